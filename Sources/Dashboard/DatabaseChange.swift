import BSON

/// What one change-stream event means to viewers: a reading changed, a fetch run was recorded, or nothing.
public enum DatabaseChange: Sendable, Equatable {
    case reading(ReadingChange)
    case fetch(FetchRun)
    /// Another collection, or an event kind viewers do not see (drop, rename, invalidate…).
    case ignored

    /// The collections the watcher follows.
    public static let readingsCollection = "readings"
    public static let fetchesCollection = "fetches"

    /// Interprets a change-stream event (`operationType`, `ns`, `fullDocument`, `documentKey`).
    public init(event: Document) {
        let collection = event.value(at: "ns.coll")?.stringValue
        let operationType = event["operationType"]?.stringValue ?? ""
        let operation: ReadingChange.Operation
        switch operationType {
        case "insert": operation = .insert
        case "update", "replace": operation = .update
        case "delete": operation = .delete
        default:
            self = .ignored
            return
        }
        switch collection {
        case Self.readingsCollection:
            if operation == .delete {
                guard let id = event.value(at: "documentKey._id") else { self = .ignored; return }
                self = .reading(ReadingChange(feed: nil, operation: .delete, document: ["_id": id, "feed": .null]))
                return
            }
            // updateLookup finds nothing when the document was deleted since: there is nothing to show.
            guard let document = event["fullDocument"]?.documentValue else { self = .ignored; return }
            self = .reading(ReadingChange(feed: document["feed"]?.stringValue, operation: operation, document: document))
        case Self.fetchesCollection:
            guard operation != .delete, let document = event["fullDocument"]?.documentValue,
                  let run = FetchRun(document: document) else { self = .ignored; return }
            self = .fetch(run)
        default:
            self = .ignored
        }
    }

    /// Milliseconds since the epoch at which the server recorded the event (`wallTime`, else `clusterTime`).
    public static func eventTime(_ event: Document) -> Int64? {
        if let wall = event["wallTime"]?.datetimeValue { return wall }
        if case .timestamp(let seconds, _)? = event["clusterTime"] { return Int64(seconds) * 1000 }
        return nil
    }
}

/// A reading inserted, updated or deleted; `document` is the whole reading (for a delete: `_id` only).
public struct ReadingChange: Sendable, Equatable {
    /// The operation as viewers see it (`replace` is an update).
    public enum Operation: String, Sendable {
        case insert, update, delete
    }

    /// The reading's feed; nil for deletes, whose event carries only the `_id`.
    public var feed: String?
    public var operation: Operation
    public var document: Document

    public init(feed: String?, operation: Operation, document: Document) {
        self.feed = feed
        self.operation = operation
        self.document = document
    }
}

/// The part of a `fetches` document that viewers are told about.
public struct FetchRun: Sendable, Equatable {
    public var feed: String
    public var ok: Bool
    /// When the run finished (or started, while it has not), in milliseconds since the epoch.
    public var at: Int64?
    public var error: String?
    public var records: Int64?
    public var inserted: Int64?
    public var updated: Int64?

    public init(feed: String, ok: Bool, at: Int64?, error: String? = nil, records: Int64? = nil,
                inserted: Int64? = nil, updated: Int64? = nil) {
        self.feed = feed
        self.ok = ok
        self.at = at
        self.error = error
        self.records = records
        self.inserted = inserted
        self.updated = updated
    }

    /// Nil when the document has no `feed`.
    public init?(document: Document) {
        guard let feed = document["feed"]?.stringValue else { return nil }
        self.init(feed: feed, ok: document["ok"]?.boolValue ?? false,
                  at: document["finishedAt"]?.datetimeValue ?? document["startedAt"]?.datetimeValue,
                  error: document["error"]?.stringValue, records: document["records"]?.int64Value,
                  inserted: document["inserted"]?.int64Value, updated: document["updated"]?.int64Value)
    }
}
