import Feeds
import Foundation

/// One `vigie fetch FEED` run: download (or replay a recorded payload in demo mode), archive the raw payload,
/// normalise, upsert into `readings`, record the run in `fetches`. Never throws: the outcome says what failed.
public struct FetchRunner: Sendable {
    public var settings: JobSettings
    public var http: HTTPClient
    public var log: JobLog
    public var database: JobDatabase
    public var now: @Sendable () -> Date

    public init(settings: JobSettings, http: HTTPClient? = nil, log: JobLog = JobLog(),
                database: JobDatabase? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.http = http ?? FetchRunner.httpClient(settings: settings, log: log)
        self.log = log
        self.database = database ?? JobDatabase(settings: settings)
        self.now = now
    }

    /// The HTTP client of fetch jobs: the settings' timeout, attempts and size cap.
    public static func httpClient(settings: JobSettings, log: JobLog) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.totalTimeout = settings.httpTimeoutSeconds
        configuration.connectTimeout = min(10, settings.httpTimeoutSeconds)
        configuration.maxAttempts = settings.httpMaxAttempts
        configuration.maxResponseBytes = settings.maxResponseBytes
        return HTTPClient(configuration: configuration, log: { log.line($0) })
    }

    /// Runs one fetch of `feedID`. `origin` (`--url`) replaces the API's origin, else `VIGIE_URL_<FEED>` does.
    public func run(feed feedID: String, origin: String? = nil, demo: Bool = false) -> FetchOutcome {
        var record = FetchRecord(feed: feedID, startedAt: now())
        guard let feed = FeedRegistry.feed(id: feedID) else {
            let known = FeedRegistry.ids.joined(separator: ", ")
            return FetchOutcome(record: record, failure: JobFailure(.usage, "unknown feed '\(feedID)' (known: \(known))"))
        }
        var failure: JobFailure?
        do {
            if demo || settings.demo {
                try runDemo(feed, record: &record)
            } else {
                try runHTTP(feed, origin: origin ?? settings.originOverrides[feed.id], record: &record)
            }
            record.ok = true
        } catch {
            failure = error
            record.error = error.message
        }
        record.finishedAt = now()
        if failure.map({ $0.kind != .usage && !JobDatabase.isUnreachable($0) }) ?? true {
            do {
                try database.store().record(record)
            } catch {
                log.event("fetch_record_failed", ["feed": feed.id, "error": "\(error)"])
            }
        }
        logSummary(record, failure: failure)
        return FetchOutcome(record: record, failure: failure)
    }

    private func runDemo(_ feed: any Feed, record: inout FetchRecord) throws(JobFailure) {
        record.source = "demo"
        let (payloads, file) = try DemoPayloads.next(feed: feed.id, primary: feed.primaryDocument.name, settings: settings)
        record.bytes = payloads.values.reduce(0) { $0 + $1.count }
        log.event("demo_payload", ["feed": feed.id, "file": file])
        let ingestor = Ingestor(log: log)
        let readings = Ingestor.shiftedToNow(try ingestor.normalise(feed, payloads: payloads, record: &record), now: record.startedAt)
        try ingestor.store(readings, into: database, fetchedAt: record.startedAt, expectingNew: true, record: &record)
    }

    private func runHTTP(_ feed: any Feed, origin: String?, record: inout FetchRecord) throws(JobFailure) {
        var override: FeedOrigin?
        if let origin {
            do { override = try FeedOrigin(parsing: origin) } catch {
                throw JobFailure(.usage, "feed \(feed.id): \(error.description) (from --url or VIGIE_URL_\(feed.id.uppercased()))")
            }
        }
        let primary = feed.primaryDocument.name
        let cache = DocumentCache(home: settings.home, feed: feed.id)
        let state = ConditionalRequestState(home: settings.home, feed: feed.id, settings: settings)
        var validators = state.load()
        var payloads: [String: Data] = [:]
        var downloaded: [String: Data] = [:]

        for document in feed.documents {
            let isPrimary = document.name == primary
            let cached = document.refreshSeconds == nil ? nil : cache.load(document.name, now: record.startedAt)
            if let cached, let refresh = document.refreshSeconds, cached.age < Double(refresh) {
                payloads[document.name] = cached.data
                continue
            }
            var request = HTTPRequest(url: document.url(origin: override))
            // Conditional only when the copy it refers to is held: in the database (primary) or in the cache.
            if isPrimary || cached != nil {
                request.etag = validators[document.name]?.etag
                request.lastModified = validators[document.name]?.lastModified
            }
            let response: HTTPResponse
            do {
                response = try http.get(request)
            } catch {
                if !isPrimary, let cached {
                    log.event("document_stale_copy", ["feed": feed.id, "document": document.name,
                                                        "age_s": Int(cached.age), "error": "\(error)"])
                    payloads[document.name] = cached.data
                    continue
                }
                if isPrimary, case .httpStatus(let status) = error.kind { record.httpStatus = status }
                throw JobFailure(.network, "feed \(feed.id): \(error.description)")
            }
            if isPrimary { record.httpStatus = response.status }
            if response.notModified {
                if isPrimary {
                    log.event("payload_unchanged", ["feed": feed.id, "url": request.url])
                    return
                }
                if let cached {
                    cache.touch(document.name, now: record.startedAt)
                    payloads[document.name] = cached.data
                    continue
                }
            }
            payloads[document.name] = response.body
            downloaded[document.name] = response.body
            record.bytes += response.body.count
            validators[document.name] = .init(etag: response.etag, lastModified: response.lastModified)
        }

        let archive = RawArchive(root: settings.path("raw"))
        let paths = try archive.store(feed: feed.id, at: record.startedAt, primary: primary, payloads: downloaded)
        record.rawPath = paths[primary]
        let kept = record.rawPath.map { "; the raw payload is kept in \($0)" } ?? ""
        let ingestor = Ingestor(log: log)
        let readings: [Reading]
        do {
            readings = try normaliseFallingBackToCache(feed, payloads: payloads, downloaded: downloaded,
                                                       cache: cache, ingestor: ingestor, record: &record)
        } catch {
            throw JobFailure(error.kind, error.message + kept)
        }
        let seen = SeenReadingsCache(home: settings.home, feed: feed.id, settings: settings)
        let previous = seen.load(now: record.startedAt)
        let changed = previous.map { cache in readings.filter { !SeenReadingsCache.isStored($0, in: cache.entries) } } ?? readings
        let refused: Set<String>
        do {
            refused = try ingestor.store(changed, into: database, fetchedAt: record.startedAt,
                                         expectingNew: previous != nil, record: &record)
        } catch {
            let recovery = record.rawPath.map { "; the raw payload is kept: run 'vigie replay \(feed.id) \($0)' once the database is back" } ?? ""
            throw JobFailure(error.kind, "feed \(feed.id): \(error.message)\(recovery)")
        }
        record.unchanged += readings.count - changed.count
        if readings.count > changed.count {
            log.event("readings_already_stored", ["feed": feed.id, "skipped": readings.count - changed.count, "sent": changed.count])
        }
        do {
            try seen.save(readings.filter { !refused.contains($0.key) }, reconciledAt: previous?.reconciledAt ?? record.startedAt)
        } catch {
            log.event("state_save_failed", ["feed": feed.id, "error": error.message])
        }
        for document in feed.documents where document.refreshSeconds != nil {
            if let data = downloaded[document.name] { try? cache.store(document.name, data: data) }
        }
        do {
            try state.save(validators)
        } catch {
            log.event("state_save_failed", ["feed": feed.id, "error": error.message])
        }
    }

    /// A freshly downloaded secondary document (station information) that cannot be read must not sink the
    /// run while a cached copy can stand in for it.
    private func normaliseFallingBackToCache(_ feed: any Feed, payloads: [String: Data], downloaded: [String: Data],
                                             cache: DocumentCache, ingestor: Ingestor,
                                             record: inout FetchRecord) throws(JobFailure) -> [Reading] {
        do {
            return try ingestor.normalise(feed, payloads: payloads, record: &record)
        } catch {
            var fallback = payloads
            var replaced: [String] = []
            for document in feed.documents where document.name != feed.primaryDocument.name && downloaded[document.name] != nil {
                guard error.message.contains(document.name), let cached = cache.load(document.name, now: record.startedAt) else { continue }
                fallback[document.name] = cached.data
                replaced.append(document.name)
            }
            guard !replaced.isEmpty else { throw error }
            log.event("document_rejected_using_cache", ["feed": feed.id, "documents": replaced.joined(separator: ","),
                                                         "error": error.message])
            return try ingestor.normalise(feed, payloads: fallback, record: &record)
        }
    }

    private func logSummary(_ record: FetchRecord, failure: JobFailure?) {
        let milliseconds = Int((record.finishedAt.timeIntervalSince(record.startedAt) * 1000).rounded())
        log.event(record.source == "demo" ? "fetch_demo" : "fetch", [
            "feed": record.feed, "ok": record.ok, "status": record.httpStatus, "bytes": record.bytes,
            "records": record.records, "inserted": record.inserted, "updated": record.updated,
            "unchanged": record.unchanged, "rejected": record.rejected, "ms": milliseconds,
            "raw": record.rawPath, "error": failure?.message,
        ])
    }
}
