/// What a normaliser made of one payload: the valid readings, the rejected records, and how many it saw.
public struct NormalisedPayload: Sendable, Equatable {
    public var readings: [Reading]
    public var rejected: [RejectedRecord]
    /// Records found in the payload (readings derived from the whole payload, like `_network`, not counted).
    public var recordsSeen: Int

    public init(readings: [Reading] = [], rejected: [RejectedRecord] = [], recordsSeen: Int = 0) {
        self.readings = readings
        self.rejected = rejected
        self.recordsSeen = recordsSeen
    }
}

/// Collects readings record by record; a second reading with the same key and time is rejected, so
/// one payload never holds two documents for one unique key `{feed, key, at}`.
struct NormalisedPayloadBuilder {
    private(set) var result = NormalisedPayload()
    private var indexByIdentity: [ReadingIdentity: Int] = [:]

    private struct ReadingIdentity: Hashable {
        let key: String
        let at: Double
    }

    mutating func see() { result.recordsSeen += 1 }

    /// Adds the reading; false when it was rejected as a duplicate.
    @discardableResult
    mutating func accept(_ reading: Reading, index: Int) -> Bool {
        let identity = ReadingIdentity(key: reading.key, at: reading.at.timeIntervalSince1970)
        if let first = indexByIdentity[identity] {
            reject(index: index, key: reading.key,
                   reason: "duplicate of record \(first) (same key and time)")
            return false
        }
        indexByIdentity[identity] = index
        result.readings.append(reading)
        return true
    }

    /// A reading computed from the whole payload rather than from one record.
    mutating func acceptDerived(_ reading: Reading) {
        result.readings.append(reading)
    }

    mutating func reject(index: Int, key: String? = nil, reason: String) {
        result.rejected.append(RejectedRecord(index: index, key: key, reason: reason))
    }
}
