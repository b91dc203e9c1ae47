/// How a source may be used: whether it needs a key, and its published rate limits.
public struct FeedAccess: Sendable, Equatable {
    public var requiresKey: Bool
    /// The publisher's rate limits or fair-use terms, as text.
    public var rateLimit: String

    public init(requiresKey: Bool, rateLimit: String) {
        self.requiresKey = requiresKey
        self.rateLimit = rateLimit
    }
}
