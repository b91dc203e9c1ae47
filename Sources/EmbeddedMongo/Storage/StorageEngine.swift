import BSON

/// The SQLite database behind the store: one file in WAL mode, one connection serialised by a lock, a catalog
/// cached in memory, the cluster clock and the oplog, and a commit signal that wakes waiting change streams.
final class StorageEngine: @unchecked Sendable {
    // `lock` guards `connection`, `catalog`, `lastTimestamp`, `oplogCount` and `trimmedThrough`;
    // `commitSignal` guards `committed` and is broadcast after every COMMIT that wrote oplog entries.
    private let lock = ConditionLock()
    let connection: SQLiteConnection
    var catalog: [String: CollectionInfo] = [:]
    var lastTimestamp: Int64 = 0
    var oplogCount: Int64 = 0
    var trimmedThrough: Int64 = 0
    let oplogLimits: OplogLimits
    private var writesSinceTrim = 0

    let commitSignal = ConditionLock()
    private var committed: Int64 = 0
    private var closed = false

    /// Documents and index keys read by scans since start (the planner's tests watch these).
    private(set) var documentsExamined: Int64 = 0
    private(set) var keysExamined: Int64 = 0

    init(path: String, oplogLimits: OplogLimits) throws {
        self.oplogLimits = oplogLimits
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL")
        // FULL: the WAL is fsynced at every COMMIT, so an acknowledged write survives a power cut, not only kill -9.
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.execute("PRAGMA busy_timeout=5000")
        try connection.execute("PRAGMA cache_size=-262144")
        // Checkpoint the WAL every ~40 MB rather than 4 MB: fewer, larger copies back into the database file.
        try connection.execute("PRAGMA wal_autocheckpoint=10000")
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS collections (id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL,
                UNIQUE (db, name));
            CREATE TABLE IF NOT EXISTS indexes (id INTEGER PRIMARY KEY, collection INTEGER NOT NULL, name TEXT NOT NULL,
                spec BLOB NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, UNIQUE (collection, name));
            CREATE TABLE IF NOT EXISTS oplog (ts INTEGER PRIMARY KEY, wall INTEGER NOT NULL, op TEXT NOT NULL,
                db TEXT NOT NULL, coll TEXT, dockey BLOB, doc BLOB, extra BLOB);
            """)
        try lock.withLock {
            try loadCatalog()
            let statement = try connection.prepare("SELECT COALESCE(MAX(ts), 0), COUNT(*) FROM oplog")
            _ = try statement.step()
            lastTimestamp = statement.int64(0)
            oplogCount = statement.int64(1)
            statement.reset()
            let meta = try connection.prepare("SELECT value FROM meta WHERE key = 'trimmedThrough'")
            if try meta.step() { trimmedThrough = meta.int64(0) }
            meta.reset()
            lastTimestamp = max(lastTimestamp, trimmedThrough)
            // Start the clock at the present, so even a fresh store reports a real cluster time.
            lastTimestamp = max(lastTimestamp, (WallClock.milliseconds / 1000) << 32)
        }
        committed = lastTimestamp
    }

    func close() {
        lock.withLock {
            closed = true
            connection.forgetStatements()
        }
        commitSignal.withLock { commitSignal.broadcast() }
    }

    /// Runs `body` with the database to itself, outside any explicit transaction (reads).
    func read<T>(_ body: (StorageSession) throws -> T) throws -> T {
        try lock.withLock {
            guard !closed else { throw CommandError.shuttingDown }
            let session = StorageSession(engine: self)
            defer { recordStatistics(session) }
            return try body(session)
        }
    }

    /// Runs `body` inside one transaction; it is committed (and fsynced) before this returns, or rolled back
    /// entirely if `body` throws.
    func write<T>(_ body: (StorageSession) throws -> T) throws -> T {
        let (result, newest): (T, Int64) = try lock.withLock {
            guard !closed else { throw CommandError.shuttingDown }
            try connection.execute("BEGIN IMMEDIATE")
            let session = StorageSession(engine: self)
            defer { recordStatistics(session) }
            do {
                let result = try body(session)
                if session.wroteOplog { try trimOplogIfDue() }
                try connection.execute("COMMIT")
                return (result, session.wroteOplog ? lastTimestamp : 0)
            } catch {
                try? connection.execute("ROLLBACK")
                if session.catalogChanged { try? loadCatalog() }
                if let sqliteError = error as? SQLiteError { throw CommandError.internalError(sqliteError.description) }
                throw error
            }
        }
        if newest > 0 {
            commitSignal.withLock {
                committed = max(committed, newest)
                commitSignal.broadcast()
            }
        }
        return result
    }

    /// The newest committed cluster time.
    var committedTimestamp: Int64 {
        commitSignal.withLock { committed }
    }

    /// Blocks until a commit newer than `timestamp` or the monotonic `deadline`; returns the newest commit.
    func waitForCommit(after timestamp: Int64, deadline: UInt64, cancelled: () -> Bool) -> Int64 {
        commitSignal.withLock {
            while committed <= timestamp, !closed, !cancelled() {
                if !commitSignal.wait(untilMonotonic: deadline), MonotonicClock.now >= deadline { break }
            }
            return committed
        }
    }

    /// Wakes every waiter (used when a cursor is killed or the server stops).
    func wakeWaiters() {
        commitSignal.withLock { commitSignal.broadcast() }
    }

    /// The next cluster time: seconds since the epoch in the high half, a counter in the low half.
    func nextTimestamp() -> Int64 {
        let seconds = WallClock.milliseconds / 1000
        let candidate = seconds << 32 | 1
        lastTimestamp = max(lastTimestamp + 1, candidate)
        return lastTimestamp
    }

    func loadCatalog() throws {
        var loaded = [String: CollectionInfo]()
        var byId = [Int64: String]()
        let collections = try connection.prepare("SELECT id, db, name FROM collections")
        while try collections.step() {
            let info = CollectionInfo(id: collections.int64(0), database: collections.text(1), name: collections.text(2), indexes: [])
            loaded[info.namespace] = info
            byId[info.id] = info.namespace
        }
        let indexes = try connection.prepare("SELECT id, collection, name, spec, multikey FROM indexes ORDER BY id")
        while try indexes.step() {
            guard let namespace = byId[indexes.int64(1)] else { continue }
            let spec = try Document(bytes: indexes.blob(3))
            let keyPattern = spec["key"]?.documentValue ?? Document()
            let definition = IndexDefinition(id: indexes.int64(0), name: indexes.text(2), keyPattern: keyPattern,
                                             fields: try IndexDefinition.parseFields(keyPattern),
                                             unique: spec["unique"]?.boolValue ?? false,
                                             sparse: spec["sparse"]?.boolValue ?? false,
                                             multikey: indexes.int64(4) != 0)
            loaded[namespace]?.indexes.append(definition)
        }
        catalog = loaded
    }

    /// Deletes the oldest oplog entries beyond `maxEntries` or older than `maxAgeSeconds`, walking the
    /// primary key from its start (never a scan of the whole table), every 256 writing transactions.
    private func trimOplogIfDue() throws {
        writesSinceTrim += 1
        let overCount = oplogCount > oplogLimits.maxEntries + max(64, oplogLimits.maxEntries / 10)
        guard overCount || writesSinceTrim >= 256 else { return }
        writesSinceTrim = 0
        var cutoff: Int64 = 0
        let excess = oplogCount - oplogLimits.maxEntries
        if excess > 0 {
            let statement = try connection.prepare("SELECT ts FROM oplog ORDER BY ts LIMIT 1 OFFSET ?")
            statement.bind(1, excess - 1)
            if try statement.step() { cutoff = statement.int64(0) }
            statement.reset()
        }
        if let maxAge = oplogLimits.maxAgeSeconds {
            // Cluster times carry wall-clock seconds in their high half and never run behind the wall clock.
            let ageCutoff = (WallClock.milliseconds / 1000 - maxAge) << 32
            let statement = try connection.prepare("SELECT ts FROM oplog WHERE ts < ? ORDER BY ts DESC LIMIT 1")
            statement.bind(1, ageCutoff)
            if try statement.step() { cutoff = max(cutoff, statement.int64(0)) }
            statement.reset()
        }
        guard cutoff > trimmedThrough else { return }
        let delete = try connection.prepare("DELETE FROM oplog WHERE ts <= ?")
        delete.bind(1, cutoff)
        try delete.run()
        oplogCount -= Int64(connection.changes)
        trimmedThrough = cutoff
        let meta = try connection.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('trimmedThrough', ?)")
        meta.bind(1, cutoff)
        try meta.run()
    }

    private func recordStatistics(_ session: StorageSession) {
        documentsExamined += session.documentsExamined
        keysExamined += session.keysExamined
    }
}

/// How much change-stream history the oplog keeps.
public struct OplogLimits: Sendable, Equatable {
    /// Entries kept at most (older ones are trimmed).
    public var maxEntries: Int64
    /// Entries older than this many seconds are trimmed; nil keeps them while under `maxEntries`.
    public var maxAgeSeconds: Int64?

    public init(maxEntries: Int64 = 1_000_000, maxAgeSeconds: Int64? = 86_400) {
        self.maxEntries = maxEntries
        self.maxAgeSeconds = maxAgeSeconds
    }
}
