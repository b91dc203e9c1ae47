/// A record of a payload that did not become a reading, and why.
public struct RejectedRecord: Sendable, Equatable, CustomStringConvertible {
    /// Position of the record in the payload's record list (0-based).
    public var index: Int
    /// The record's key when it could be read, to help find it in the raw payload.
    public var key: String?
    public var reason: String

    public init(index: Int, key: String? = nil, reason: String) {
        self.index = index
        self.key = key
        self.reason = reason
    }

    public var description: String {
        "record \(index)\(key.map { " (\($0))" } ?? ""): \(reason)"
    }
}
