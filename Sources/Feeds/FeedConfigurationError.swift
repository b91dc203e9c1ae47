/// A feed configured with values it cannot work with (no places, coordinates out of range...).
public struct FeedConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let feed: String
    public let reason: String

    public init(feed: String, reason: String) {
        self.feed = feed
        self.reason = reason
    }

    public var description: String { "feed \(feed): invalid configuration: \(reason)" }
}
