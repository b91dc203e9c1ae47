import Net

/// The last broadcasts of this process, oldest first, bounded by count and bytes, so a viewer that
/// reconnects can be sent exactly what it missed. Not synchronised: `LiveFanout` guards it.
struct BroadcastHistory {
    /// One broadcast: its offset, its topic (a feed, or "*" for every viewer) and its encoded frame.
    struct Entry {
        let offset: UInt64
        let topic: String
        let frame: SharedBytes
    }

    let maxEntries: Int
    let maxBytes: Int
    private var entries: [Entry?]
    private var start = 0
    private(set) var count = 0
    private(set) var byteCount = 0

    init(maxEntries: Int, maxBytes: Int) {
        precondition(maxEntries > 0 && maxBytes > 0, "history bounds must be positive")
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
        entries = Array(repeating: nil, count: maxEntries)
    }

    /// The offset of the oldest entry kept, nil when empty.
    var oldestOffset: UInt64? { count == 0 ? nil : entries[start]?.offset }

    /// Adds a broadcast (offsets must increase), dropping the oldest ones beyond the bounds.
    mutating func append(_ entry: Entry) {
        while count > 0 && (count == maxEntries || byteCount + entry.frame.count > maxBytes) { dropOldest() }
        entries[(start + count) % maxEntries] = entry
        count += 1
        byteCount += entry.frame.count
    }

    mutating func removeAll() {
        entries = Array(repeating: nil, count: maxEntries)
        start = 0
        count = 0
        byteCount = 0
    }

    /// The entries after `offset`, in order, when the history still holds every one of them
    /// (`offset` is at or after the one before the oldest kept); nil when some are gone.
    /// `latest` is the offset of the newest broadcast made, kept or not.
    func entries(after offset: UInt64, latest: UInt64) -> [Entry]? {
        if offset == latest { return [] }
        guard offset < latest, let oldest = oldestOffset, offset + 1 >= oldest else { return nil }
        let skip = Int(offset + 1 - oldest)
        return (skip..<count).map { entries[(start + $0) % maxEntries]! }
    }

    private mutating func dropOldest() {
        guard let oldest = entries[start] else { return }
        byteCount -= oldest.frame.count
        entries[start] = nil
        start = (start + 1) % maxEntries
        count -= 1
    }
}
