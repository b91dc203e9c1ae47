import Foundation

/// A public data source: what it is, where and how often to fetch it, and how its payloads become readings.
public protocol Feed: Sendable {
    /// Short stable identifier, the `feed` of its readings (`usgs`, `openmeteo`, ...).
    var id: String { get }
    var title: String { get }
    /// What the data is, one or two sentences.
    var description: String { get }
    /// The area it covers ("World", "Paris and Île-de-France", ...).
    var zone: String { get }
    /// How often to fetch it, in seconds.
    var periodSeconds: Int { get }
    var access: FeedAccess { get }
    var licence: String { get }
    /// The credit line to show with the data.
    var attribution: String { get }
    /// A human page describing the source.
    var sourceURL: String { get }
    /// The values its readings carry, with units, in display order.
    var fields: [ValueField] { get }
    /// The documents one fetch downloads; the first is the primary one (whose time drives freshness).
    var documents: [FeedDocument] { get }

    /// Turns downloaded payloads, keyed by document name, into readings.
    /// Throws only when a payload is unusable as a whole; bad records are rejected one by one.
    func normalise(_ payloads: [String: Data]) throws(FeedPayloadError) -> NormalisedPayload
}

extension Feed {
    /// Value name -> unit, the shape of `/api/feeds`' `fields`.
    public var fieldUnits: [String: String] {
        Dictionary(fields.map { ($0.name, $0.unit) }, uniquingKeysWith: { first, _ in first })
    }

    /// The primary document (the only one for single-document feeds).
    public var primaryDocument: FeedDocument { documents[0] }

    /// The document named `name`, if the feed has one.
    public func document(named name: String) -> FeedDocument? {
        documents.first { $0.name == name }
    }

    /// Normalises the payload of a single-document feed.
    public func normalise(_ payload: Data) throws(FeedPayloadError) -> NormalisedPayload {
        try normalise([primaryDocument.name: payload])
    }

    /// Decodes one document's payload as JSON, with a clear error for empty, HTML and malformed bodies.
    func parsePayload(_ payloads: [String: Data], document: String) throws(FeedPayloadError) -> JSONValue {
        guard let data = payloads[document] else { throw .missingDocument(feed: id, document: document) }
        return try PayloadDecoder.decode(data, feed: id, document: document)
    }
}
