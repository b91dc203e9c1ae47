import Foundation

/// A viewer's `{"type":"subscribe","feeds":[…],"since":{"epoch":…,"offset":N}|null}`, validated.
public struct SubscribeRequest: Sendable, Equatable {
    /// Where the viewer stopped: the epoch and offset of the last broadcast it applied.
    public struct Position: Sendable, Equatable {
        public var epoch: String
        public var offset: UInt64

        public init(epoch: String, offset: UInt64) {
            self.epoch = epoch
            self.offset = offset
        }
    }

    /// Feed ids, or ["*"] for every feed.
    public var feeds: Set<String>
    public var since: Position?

    public init(feeds: Set<String>, since: Position?) {
        self.feeds = feeds
        self.since = since
    }

    /// Parses and checks a viewer message; `knownFeeds` are the ids a viewer may name besides "*".
    public init(text: String, knownFeeds: Set<String>) throws(ViewerMessageError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let message = object as? [String: Any] else {
            throw ViewerMessageError("a viewer message must be a JSON object")
        }
        guard let type = message["type"] as? String else { throw ViewerMessageError("the message has no \"type\"") }
        guard type == "subscribe" else { throw ViewerMessageError("unknown message type \"\(type)\" (expected \"subscribe\")") }
        guard let list = message["feeds"] as? [Any], !list.isEmpty else {
            throw ViewerMessageError("\"feeds\" must be a non-empty array of feed ids or [\"*\"]")
        }
        var feeds = Set<String>()
        for item in list {
            guard let feed = item as? String else { throw ViewerMessageError("\"feeds\" must contain strings only") }
            guard feed == "*" || knownFeeds.contains(feed) else {
                throw ViewerMessageError("unknown feed \"\(feed)\" (known: \(knownFeeds.sorted().joined(separator: ", ")))")
            }
            feeds.insert(feed)
        }
        // "*" already covers every feed; keeping only it makes recipient counts exact.
        if feeds.contains("*") { feeds = ["*"] }
        var since: Position?
        if let raw = message["since"], !(raw is NSNull) {
            guard let position = raw as? [String: Any], let epoch = position["epoch"] as? String,
                  let offsetNumber = position["offset"] as? NSNumber, !(position["offset"] is Bool),
                  offsetNumber.doubleValue >= 0, offsetNumber.doubleValue.rounded() == offsetNumber.doubleValue,
                  offsetNumber.doubleValue < 9.0e18 else {
                throw ViewerMessageError("\"since\" must be null or {\"epoch\": string, \"offset\": whole number >= 0}")
            }
            since = Position(epoch: epoch, offset: UInt64(offsetNumber.int64Value))
        }
        self.init(feeds: feeds, since: since)
    }
}
