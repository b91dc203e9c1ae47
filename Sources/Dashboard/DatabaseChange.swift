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
