import BSON
import Foundation
import Mongo

/// Deletes what the retention (VIGIE_RETENTION_DAYS, default 7) no longer needs: raw payload files whose hour
/// is summarised in `rollups_hourly` (or held no readings), and old per-station readings of high-volume feeds.
struct RetentionPruner {
    let settings: JobSettings
    let log: JobLog
    let store: ReadingStore
    let now: @Sendable () -> Date

    var cutoff: Date { now().addingTimeInterval(-Double(settings.retentionDays) * 86_400) }

    /// Raw files older than the cutoff whose fetch hour has a rollup for the feed, or no readings at all.
    func pruneRawFiles() throws(JobFailure) -> Int {
        let root = settings.path("raw")
        let manager = FileManager.default
        guard let feeds = try? manager.contentsOfDirectory(atPath: root) else { return 0 }
        let cutoff = self.cutoff
        var summarised: [String: Bool] = [:]
        var pruned = 0
        for feed in feeds.sorted() {
            let feedDirectory = "\(root)/\(feed)"
            for day in ((try? manager.contentsOfDirectory(atPath: feedDirectory)) ?? []).sorted() {
                let dayDirectory = "\(feedDirectory)/\(day)"
                let files = (try? manager.contentsOfDirectory(atPath: dayDirectory)) ?? []
                var remaining = files.count
                for file in files {
                    let path = "\(dayDirectory)/\(file)"
                    guard let fetched = RawArchive.date(ofRawFile: path), fetched < cutoff else { continue }
                    let hour = RollupRunner.hourStart(fetched)
                    let cacheKey = "\(feed) \(ISOText.milliseconds(hour))"
                    let isSummarised: Bool
                    if let known = summarised[cacheKey] {
                        isSummarised = known
                    } else {
                        isSummarised = try hourIsSummarised(feed: feed, hour: hour)
                        summarised[cacheKey] = isSummarised
                    }
                    guard isSummarised else { continue }
                    do {
                        try manager.removeItem(atPath: path)
                        pruned += 1
                        remaining -= 1
                    } catch {
                        log.event("raw_prune_failed", ["path": path, "error": error.localizedDescription])
                    }
                }
                if remaining == 0 { try? manager.removeItem(atPath: dayDirectory) }
            }
        }
        return pruned
    }

    private func hourIsSummarised(feed: String, hour: Date) throws(JobFailure) -> Bool {
        do {
            if try store.rollups.findOne(["feed": .string(feed), "hour": ISOText.bson(hour)]) != nil { return true }
            let readings = try store.readings.findOne(["feed": .string(feed), "at": [
                "$gte": ISOText.bson(hour), "$lt": ISOText.bson(hour.addingTimeInterval(3600))]])
            return readings == nil
        } catch {
            throw JobDatabase.failure(error, doing: "checking the rollups of \(feed)")
        }
    }

    /// Readings of `feeds` observed and fetched before the cutoff, except the `keeping` keys. Both times are
    /// checked so a station that has not reported for weeks keeps its latest reading for a retention period
    /// instead of being deleted and re-inserted every hour.
    func pruneReadings(feeds: [String], keeping keys: [String]) throws(JobFailure) -> Int {
        let cutoff = ISOText.bson(self.cutoff)
        var deleted = 0
        for feed in feeds {
            do {
                deleted += try store.readings.deleteMany([
                    "feed": .string(feed), "key": ["$nin": .array(keys.map(BSONValue.string))],
                    "at": ["$lt": cutoff], "fetchedAt": ["$lt": cutoff],
                ])
            } catch {
                throw JobDatabase.failure(error, doing: "pruning old readings of \(feed)")
            }
        }
        return deleted
    }
}
