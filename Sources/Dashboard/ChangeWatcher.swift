import BSON
import Foundation
import Mongo
import Net

/// The one change stream of the process: follows `readings` and `fetches` with a database-level watch,
/// hands every event to `LiveFanout`, saves its resume token, and survives outages and lost history.
public final class ChangeWatcher: @unchecked Sendable {
    // @unchecked Sendable: configuration fields are immutable; `running`/`finished` are guarded by
    // `condition`; the stream and token are used only by the watcher thread.

    /// Timings of the watcher.
    public struct Configuration: Sendable {
        /// How long one `next()` waits on the server (bounds how quickly `stop()` returns).
        public var maxAwaitMilliseconds: Int64 = 500
        /// First and largest pause between reconnection attempts, in seconds (doubling in between).
        public var initialBackoff: Double = 0.1
        public var maximumBackoff: Double = 1
        /// The token is saved when the stream is idle, or after this many events or seconds.
        public var saveEveryEvents = 64
        public var saveEverySeconds: Double = 0.25
        /// A token that advanced with no event for viewers is saved at most this often.
        public var idleSaveSeconds: Double = 30

        public init() {}
    }

    private let database: Database
    private let tokens: ResumeTokenStore
    private let fanout: LiveFanout
    private let configuration: Configuration
    private let condition = NSCondition()
    private var running = false
    private var finished = true
    /// Watcher thread only.
    private var recentFeeds = RecentReadingFeeds()

    public init(database: Database, fanout: LiveFanout, configuration: Configuration = Configuration()) throws {
        self.database = database
        self.tokens = try ResumeTokenStore(database: database)
        self.fanout = fanout
        self.configuration = configuration
    }

    /// Server errors that mean "this resume token cannot be used": ChangeStreamFatalError, BadValue,
    /// FailedToParse, InvalidResumeToken (other failures are retried with the token kept).
    static let unusableTokenCodes: Set<Int32> = [280, 2, 9, 260]

    /// The pipeline of the database-level watch: only the two collections viewers care about.
    static var pipeline: [Document] {
        [["$match": ["ns.coll": ["$in": [.string(DatabaseChange.readingsCollection), .string(DatabaseChange.fetchesCollection)]]]]]
    }

    /// Starts the watcher thread.
    public func start() {
        condition.lock()
        guard !running else { condition.unlock(); return }
        running = true
        finished = false
        condition.unlock()
        let thread = Thread { [self] in
            run()
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "vigie-watcher"
        thread.start()
    }

    /// Stops the thread and waits for it (at most about `maxAwaitMilliseconds` plus one save).
    public func stop() {
        condition.lock()
        running = false
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    /// Sleeps up to `seconds`, waking early on `stop()`.
    private func pause(_ seconds: Double) {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: seconds)
        while running && Date() < deadline { _ = condition.wait(until: deadline) }
        condition.unlock()
    }

    private func run() {
        var token: Document?
        var tokenLoaded = false
        // After an invalidate (the database was dropped), the stream can only start *after* that event.
        var afterInvalidate = false
        var backoff = configuration.initialBackoff
        var failures = 0
        while isRunning {
            do {
                if !tokenLoaded {
                    token = try tokens.load()
                    tokenLoaded = true
                    writeLog("event=watch_token_loaded found=\(token != nil)")
                }
                let stream: ChangeStream
                do {
                    stream = try database.watch(pipeline: Self.pipeline, options: ChangeStreamOptions(
                        fullDocument: "updateLookup", resumeAfter: afterInvalidate ? nil : token,
                        startAfter: afterInvalidate ? token : nil, maxAwaitTimeMS: configuration.maxAwaitMilliseconds))
                } catch let error as MongoError where token != nil && error.kind == .server
                    && Self.unusableTokenCodes.contains(error.code) {
                    // The server refuses the saved resume point itself: it is as good as lost.
                    throw MongoError(kind: .historyLost, code: error.code, codeName: error.codeName, message: error.message)
                }
                if failures > 0 { fanout.metrics.recordReconnect() }
                writeLog("event=watch_open resumed=\(token != nil) failures=\(failures)")
                fanout.setDatabase(up: true)
                backoff = configuration.initialBackoff
                failures = 0
                if token == nil, let start = stream.resumeToken {
                    token = start
                    try tokens.save(start, nowMilliseconds: Self.nowMilliseconds())
                }
                afterInvalidate = false
                afterInvalidate = try follow(stream, token: &token)
                if let token { try tokens.save(token, nowMilliseconds: Self.nowMilliseconds()) }
                if afterInvalidate {
                    // The database was dropped: what viewers hold is gone, so they reload.
                    writeLog("event=watch_invalidated reopen=startAfter")
                    fanout.resetAll()
                }
            } catch let error as MongoError where error.kind == .historyLost {
                writeLog("event=watch_history_lost code=\(error.code) error=\"\(error.message)\"")
                fanout.metrics.recordHistoryLost()
                token = nil
                try? tokens.clear()
                fanout.resetAll()
            } catch {
                failures += 1
                writeLog("event=watch_error failures=\(failures) backoff=\(backoff) error=\"\(error)\"")
                fanout.setDatabase(up: false)
                pause(backoff)
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
        writeLog("event=watch_stop")
    }

    /// Reads events until `stop()`, a failure (thrown) or an invalidate event (returns true: the stream
    /// is over and must be reopened after that event), publishing each and saving the token as it goes.
    /// A token that moved without events (post-batch tokens: other collections' writes, including the
    /// token saves themselves) is saved only now and then, so an idle server does not write forever.
    private func follow(_ stream: ChangeStream, token: inout Document?) throws -> Bool {
        var unsavedEvents = 0
        var idleMoved = false
        var lastSave = Monotonic.nanoseconds()
        let saveInterval = Monotonic.duration(configuration.saveEverySeconds)
        let idleInterval = Monotonic.duration(configuration.idleSaveSeconds)
        while isRunning {
            let event = try stream.next()
            if let event, event["operationType"]?.stringValue == "invalidate" {
                token = event["_id"]?.documentValue ?? token
                return true
            }
            if let event {
                let now = Self.nowMilliseconds()
                let lag = DatabaseChange.eventTime(event).map { Double(max(0, now - $0)) / 1000 }
                fanout.metrics.recordChangeEvent(lagSeconds: lag)
                let change = recentFeeds.complete(DatabaseChange(event: event))
                if case .fetch(let run) = change { fanout.metrics.recordFetch(feed: run.feed, ok: run.ok) }
                fanout.publish(change)
                unsavedEvents += 1
            }
            if let latest = stream.resumeToken ?? event?["_id"]?.documentValue, latest != token {
                token = latest
                if event == nil { idleMoved = true }
            }
            let elapsed = Monotonic.nanoseconds() - lastSave
            let due = unsavedEvents > 0
                ? event == nil || unsavedEvents >= configuration.saveEveryEvents || elapsed >= saveInterval
                : idleMoved && elapsed >= idleInterval
            if due, let token {
                try tokens.save(token, nowMilliseconds: Self.nowMilliseconds())
                unsavedEvents = 0
                idleMoved = false
                lastSave = Monotonic.nanoseconds()
            }
        }
        return false
    }

    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
