import BSON

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
