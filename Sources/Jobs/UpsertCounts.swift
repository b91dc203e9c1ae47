/// What one bulk upsert of readings did.
public struct UpsertCounts: Sendable, Equatable {
    /// New readings (upserted).
    public var inserted = 0
    /// Existing readings whose values, tags or geo changed (revisions: update events).
    public var updated = 0
    /// Existing readings that were identical (matched, not modified: no event).
    public var unchanged = 0
    /// Readings the database refused one by one, with the reason of each.
    public var failed: [(key: String, reason: String)] = []

    public init() {}

    public static func == (lhs: UpsertCounts, rhs: UpsertCounts) -> Bool {
        lhs.inserted == rhs.inserted && lhs.updated == rhs.updated && lhs.unchanged == rhs.unchanged
            && lhs.failed.map(\.key) == rhs.failed.map(\.key)
    }

    mutating func add(_ other: UpsertCounts) {
        inserted += other.inserted
        updated += other.updated
        unchanged += other.unchanged
        failed += other.failed
    }
}
