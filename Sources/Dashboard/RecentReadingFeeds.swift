import BSON

/// The feed of the readings seen lately, by `_id`: a delete event carries only the `_id`, and viewers
/// need the feed to apply it. Bounded (oldest forgotten first); used by the watcher thread only.
struct RecentReadingFeeds {
    let capacity: Int
    private var feeds: [BSONValue: String] = [:]
    private var order: [BSONValue] = []
    private var head = 0

    init(capacity: Int = 100_000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    var count: Int { feeds.count }

    mutating func remember(_ id: BSONValue, feed: String) {
        if feeds.updateValue(feed, forKey: id) != nil { return }
        if order.count < capacity {
            order.append(id)
        } else {
            feeds[order[head]] = nil
            order[head] = id
            head = (head + 1) % capacity
        }
    }

    func feed(of id: BSONValue) -> String? { feeds[id] }

    /// Remembers the feed of inserts and updates, and fills in the feed of deletes when it is known.
    mutating func complete(_ change: DatabaseChange) -> DatabaseChange {
        guard case .reading(var reading) = change, let id = reading.document["_id"] else { return change }
        if let feed = reading.feed {
            if reading.operation != .delete { remember(id, feed: feed) }
            return change
        }
        guard let feed = feed(of: id) else { return change }
        reading.feed = feed
        reading.document = ["_id": id, "feed": .string(feed)]
        return .reading(reading)
    }
}
