/// A payload that cannot be read at all (as opposed to single bad records, which are rejected one by one).
public enum FeedPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Empty body.
    case empty(feed: String, document: String)
    /// An HTML page (error page, captive portal, maintenance notice) where JSON was expected.
    case html(feed: String, document: String, excerpt: String)
    /// Not parseable as JSON.
    case notJSON(feed: String, document: String, detail: String)
    /// Valid JSON of the wrong shape (schema drift at the top level).
    case unexpectedShape(feed: String, document: String, detail: String)
    /// The normaliser needs a document the caller did not provide.
    case missingDocument(feed: String, document: String)

    public var description: String {
        switch self {
        case .empty(let feed, let document):
            return "feed \(feed): \(document) payload is empty"
        case .html(let feed, let document, let excerpt):
            return "feed \(feed): \(document) payload is HTML, not JSON (starts with \"\(excerpt)\")"
        case .notJSON(let feed, let document, let detail):
            return "feed \(feed): \(document) payload is not valid JSON: \(detail)"
        case .unexpectedShape(let feed, let document, let detail):
            return "feed \(feed): \(document) payload has an unexpected shape: \(detail)"
        case .missingDocument(let feed, let document):
            return "feed \(feed): the \(document) payload is required but was not given"
        }
    }
}
