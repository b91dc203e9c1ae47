import Feeds
import Foundation

/// Normalises payloads into readings and upserts them: the one path shared by fetch, replay and demo.
struct Ingestor {
    let log: JobLog
    /// Rejected records logged one by one per run; the rest are only counted.
    static let rejectedLogLimit = 5

    /// Readings of the payloads; rejected records are counted in `record` and the first few logged.
    /// A payload that is unusable as a whole, or whose records are all rejected, is a `.payload` failure.
    func normalise(_ feed: any Feed, payloads: [String: Data], record: inout FetchRecord) throws(JobFailure) -> [Reading] {
        let result: NormalisedPayload
        do {
            result = try feed.normalise(payloads)
        } catch {
            throw JobFailure(.payload, error.description)
        }
        record.records = result.recordsSeen
        record.rejected = result.rejected.count
        for rejected in result.rejected.prefix(Self.rejectedLogLimit) {
            log.event("record_rejected", ["feed": feed.id, "index": rejected.index, "key": rejected.key,
                                          "reason": rejected.reason])
        }
        if result.rejected.count > Self.rejectedLogLimit {
            log.event("records_rejected_more", ["feed": feed.id, "count": result.rejected.count - Self.rejectedLogLimit])
        }
        if result.recordsSeen > 0 && result.rejected.count == result.recordsSeen {
            throw JobFailure(.payload, "feed \(feed.id): all \(result.recordsSeen) records were rejected (schema drift?); "
                + "first: \(result.rejected[0])")
        }
        return result.readings
    }

    /// Upserts the readings; counts go into `record`. Readings the database refuses one by one are added to
    /// `rejected` with their reason logged, and their keys returned; a failure of the database as a whole is
    /// a `.database` failure.
    @discardableResult
    func store(_ readings: [Reading], into database: JobDatabase, fetchedAt: Date, expectingNew: Bool = false,
               record: inout FetchRecord) throws(JobFailure) -> Set<String> {
        let store = try database.store()
        let counts: UpsertCounts
        do {
            counts = try store.upsert(readings, fetchedAt: fetchedAt, expectingNew: expectingNew)
        } catch {
            throw JobDatabase.failure(error, doing: "upserting \(readings.count) readings of \(record.feed)")
        }
        record.inserted = counts.inserted
        record.updated = counts.updated
        record.unchanged = counts.unchanged
        record.rejected += counts.failed.count
        for failed in counts.failed.prefix(Self.rejectedLogLimit) {
            log.event("reading_refused", ["feed": record.feed, "key": failed.key, "reason": failed.reason])
        }
        return Set(counts.failed.map(\.key))
    }

    /// Moves every reading so the latest one is at `now` (demo mode: recorded payloads look live).
    static func shiftedToNow(_ readings: [Reading], now: Date) -> [Reading] {
        guard let latest = readings.map(\.at).max() else { return readings }
        let offset = (now.timeIntervalSince(latest)).rounded(.down)
        return readings.map { reading in
            var moved = reading
            moved.at = reading.at.addingTimeInterval(offset)
            return moved
        }
    }
}
