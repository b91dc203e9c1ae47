import Feeds
import Foundation

/// `vigie replay FEED FILE...`: ingests archived payloads through the same normaliser and upsert as a fetch
/// (backfill, recovery after a database outage). Replays are not recorded in `fetches`: they say nothing
/// about the health of the live feed.
public struct Replayer: Sendable {
    public var settings: JobSettings
    public var log: JobLog
    public var database: JobDatabase
    public var now: @Sendable () -> Date

    public init(settings: JobSettings, log: JobLog = JobLog(), database: JobDatabase? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.log = log
        self.database = database ?? JobDatabase(settings: settings)
        self.now = now
    }

    /// Totals of a replay and the first failure (files that failed are skipped; a database that cannot be
    /// reached stops the replay, since every later file would fail the same way).
    public struct Outcome: Sendable {
        public var files = 0
        public var failedFiles = 0
        public var skippedCompanions = 0
        public var totals = FetchRecord(feed: "", startedAt: Date(timeIntervalSince1970: 0))
        public var failure: JobFailure?
        public var exitCode: Int32 { failure?.exitCode ?? 0 }
    }

    public func run(feed feedID: String, files: [String]) -> Outcome {
        var outcome = Outcome()
        outcome.totals = FetchRecord(feed: feedID, startedAt: now())
        guard let feed = FeedRegistry.feed(id: feedID) else {
            outcome.failure = JobFailure(.usage, "unknown feed '\(feedID)' (known: \(FeedRegistry.ids.joined(separator: ", ")))")
            return outcome
        }
        let companions = feed.documents.dropFirst().map(\.name)
        let primaries = files.filter { file in
            let isCompanion = companions.contains { (file as NSString).lastPathComponent.contains($0) }
            if isCompanion { outcome.skippedCompanions += 1 }
            return !isCompanion
        }
        let ingestor = Ingestor(log: log)
        for (position, file) in primaries.enumerated() {
            var record = FetchRecord(feed: feed.id, startedAt: now())
            record.source = "replay"
            record.rawPath = file
            do {
                let payloads = try loadPayloads(feed, file: file)
                record.bytes = payloads.values.reduce(0) { $0 + $1.count }
                let readings = try ingestor.normalise(feed, payloads: payloads, record: &record)
                let fetchedAt = RawArchive.date(ofRawFile: file) ?? record.startedAt
                // Backfill and recovery mostly bring readings the database has not seen.
                try ingestor.store(readings, into: database, fetchedAt: fetchedAt, expectingNew: true, record: &record)
                record.ok = true
            } catch {
                record.error = error.message
                outcome.failedFiles += 1
                if outcome.failure == nil || error.kind == .database {
                    outcome.failure = JobFailure(error.kind, "replay \(file): \(error.message)")
                }
            }
            outcome.files += 1
            outcome.totals.records += record.records
            outcome.totals.inserted += record.inserted
            outcome.totals.updated += record.updated
            outcome.totals.unchanged += record.unchanged
            outcome.totals.rejected += record.rejected
            outcome.totals.bytes += record.bytes
            log.event("replay_file", ["feed": feed.id, "progress": "\(position + 1)/\(primaries.count)", "file": file,
                                      "ok": record.ok, "records": record.records, "inserted": record.inserted,
                                      "updated": record.updated, "unchanged": record.unchanged,
                                      "rejected": record.rejected, "error": record.error])
            if let failure = outcome.failure, JobDatabase.isUnreachable(failure) {
                log.event("replay_stopped", ["feed": feed.id, "remaining": primaries.count - position - 1,
                                             "reason": "database unreachable"])
                break
            }
        }
        outcome.totals.finishedAt = now()
        outcome.totals.ok = outcome.failure == nil
        log.event("replay", ["feed": feed.id, "ok": outcome.totals.ok, "files": outcome.files,
                             "failed_files": outcome.failedFiles, "companions_skipped": outcome.skippedCompanions,
                             "records": outcome.totals.records, "inserted": outcome.totals.inserted,
                             "updated": outcome.totals.updated, "unchanged": outcome.totals.unchanged,
                             "rejected": outcome.totals.rejected])
        return outcome
    }

    /// The primary payload from `file`, plus each secondary document: the file archived beside it in the
    /// same run, else the closest-named one in its directory, else the feed's cached copy.
    func loadPayloads(_ feed: any Feed, file: String) throws(JobFailure) -> [String: Data] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw JobFailure(.usage, "cannot read \(file) (no such file or not readable)")
        }
        var payloads = [feed.primaryDocument.name: data]
        for document in feed.documents.dropFirst() {
            if let path = Self.companion(of: file, document: document.name), let companion = FileManager.default.contents(atPath: path) {
                payloads[document.name] = companion
                log.event("replay_companion", ["feed": feed.id, "document": document.name, "file": path])
            } else if let cached = DocumentCache(home: settings.home, feed: feed.id).load(document.name, now: now()) {
                payloads[document.name] = cached.data
                log.event("replay_companion", ["feed": feed.id, "document": document.name, "file": "cache"])
            }
        }
        return payloads
    }

    static func companion(of file: String, document: String) -> String? {
        let directory = (file as NSString).deletingLastPathComponent
        let name = (file as NSString).lastPathComponent
        let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        let beside = "\(directory.isEmpty ? "." : directory)/\(stem).\(document).json"
        if FileManager.default.fileExists(atPath: beside) { return beside }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return nil }
        // Recorded GBFS pairs: "x_station_status_DATE.json" goes with "x_station_information_DATE'.json".
        let wanted = name.replacingOccurrences(of: "station_status", with: document)
        let candidates = entries.filter { $0.contains(document) && $0 != name }
        guard let best = candidates.max(by: { commonPrefix($0, wanted) < commonPrefix($1, wanted) }) else { return nil }
        return "\(directory.isEmpty ? "." : directory)/\(best)"
    }

    private static func commonPrefix(_ a: String, _ b: String) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
