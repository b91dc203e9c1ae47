import BSON

/// The SQLite database behind the store: one file in WAL mode; one writer connection serialised by a lock, and
/// a pool of reader connections that read committed snapshots beside it (WAL lets readers and the writer run
/// at once). Also the catalog cached in memory, the cluster clock, the oplog, and the commit signal that
/// wakes waiting change streams.
final class StorageEngine: @unchecked Sendable {
    // `lock` guards `connection` (the writer), `lastTimestamp`, `oplogCount`, `writesSinceTrim`.
    // `catalogLock` guards `publishedCatalog`: the catalog as of the last commit (replaced under `lock` too).
    // `commitSignal` guards `committed`, `closed`, `idleReaders` and `examined`; it is
    // broadcast after every COMMIT that wrote oplog entries.
    private let lock = ConditionLock()
    let connection: SQLiteConnection
    private let catalogLock = ConditionLock()
    private var publishedCatalog = CatalogSnapshot(version: 0, collections: [:])
    var lastTimestamp: Int64 = 0
    var oplogCount: Int64 = 0
    private var writerTrimmedThrough: Int64 = 0
    let oplogLimits: OplogLimits
    private var writesSinceTrim = 0
    private let path: String
    private var checkpointer: Checkpointer?

    let commitSignal = ConditionLock()
    private var committed: Int64 = 0
    private var closed = false
    private var idleReaders: [SQLiteConnection] = []

    /// Documents and index keys read by scans since start (the planner's tests watch these).
    private var examined: (documents: Int64, keys: Int64) = (0, 0)

    /// The catalog as of the last commit.
    var catalog: CatalogSnapshot { catalogLock.withLock { publishedCatalog } }

    /// Oplog entries at or below this cluster time were trimmed (a resume point below it lost history), as of
    /// the session's own snapshot.
    func trimmedThrough(in session: StorageSession) throws -> Int64 {
        let statement = try session.connection.prepare("SELECT value FROM meta WHERE key = 'trimmedThrough'")
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : 0
    }

    init(path: String, oplogLimits: OplogLimits, durability: StoreDurability = .fsyncEachCommit) throws {
        self.oplogLimits = oplogLimits
        self.path = path
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL")
        // FULL: the WAL is fsynced at every COMMIT, so an acknowledged write survives a power cut, not only kill -9.
        // NORMAL (on request): committed pages are written to the WAL before the acknowledgement but fsynced only
        // at checkpoints, which still survives the death of this process.
        try connection.execute(durability == .fsyncEachCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
        try connection.execute("PRAGMA busy_timeout=5000")
        try connection.execute("PRAGMA cache_size=-262144")
        // Checkpoints run on the checkpointer's thread, never inside a commit.
        try connection.execute("PRAGMA wal_autocheckpoint=0")
        // Once a checkpoint lets the WAL restart, its file is cut back to 64 MB rather than keeping its peak size.
        try connection.execute("PRAGMA journal_size_limit=67108864")
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS collections (id INTEGER PRIMARY KEY, db TEXT NOT NULL, name TEXT NOT NULL,
                UNIQUE (db, name));
            CREATE TABLE IF NOT EXISTS indexes (id INTEGER PRIMARY KEY, collection INTEGER NOT NULL, name TEXT NOT NULL,
                spec BLOB NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, UNIQUE (collection, name));
            CREATE TABLE IF NOT EXISTS oplog (ts INTEGER PRIMARY KEY, wall INTEGER NOT NULL, op TEXT NOT NULL,
                db TEXT NOT NULL, coll TEXT, dockey BLOB, doc BLOB, extra BLOB);
            """)
        try connection.execute(RetryableWrites.schema)
        try lock.withLock {
            publishedCatalog = try CatalogSnapshot.load(from: connection)
            let statement = try connection.prepare("SELECT COALESCE(MAX(ts), 0), COUNT(*) FROM oplog")
            _ = try statement.step()
            lastTimestamp = statement.int64(0)
            oplogCount = statement.int64(1)
            statement.reset()
            let meta = try connection.prepare("SELECT value FROM meta WHERE key = 'trimmedThrough'")
            if try meta.step() { writerTrimmedThrough = meta.int64(0) }
            meta.reset()
            lastTimestamp = max(lastTimestamp, writerTrimmedThrough)
            // Start the clock at the present, so even a fresh store reports a real cluster time.
            lastTimestamp = max(lastTimestamp, (WallClock.milliseconds / 1000) << 32)
        }
        committed = lastTimestamp
        checkpointer = try Checkpointer(path: path)
    }

    func close() {
        lock.withLock {
            checkpointer?.stop()
            checkpointer = nil
        }
        commitSignal.withLock {
            closed = true
            idleReaders.removeAll()
            commitSignal.broadcast()
        }
        lock.withLock { connection.close() }
    }

    /// Runs `body` in one read transaction on a reader connection: a consistent snapshot of what was committed,
    /// taken without waiting for the writer.
    func read<T>(_ body: (StorageSession) throws -> T) throws -> T {
        let reader: SQLiteConnection = try commitSignal.withLock {
            guard !closed else { throw CommandError.shuttingDown }
            return idleReaders.popLast()
        } ?? openReader()
        defer { commitSignal.withLock { if !closed { idleReaders.append(reader) } } }
        do {
            try reader.prepare("BEGIN").run()
            defer { try? reader.prepare("COMMIT").run() }
            // The first read pins the snapshot; the catalog must be the one of that snapshot, not a newer one
            // (a table created or dropped since) nor an older one.
            let version = try CatalogSnapshot.version(in: reader)
            let published = catalog
            let collections = published.version == version ? published.collections : try CatalogSnapshot.load(from: reader).collections
            let session = StorageSession(engine: self, connection: reader, catalog: collections)
            defer { recordStatistics(session) }
            return try body(session)
        } catch let error as SQLiteError {
            throw CommandError.internalError(error.description)
        }
    }

    private func openReader() throws -> SQLiteConnection {
        do {
            let reader = try SQLiteConnection(path: path)
            try reader.execute("PRAGMA busy_timeout=5000")
            try reader.execute("PRAGMA cache_size=-65536")
            return reader
        } catch let error as SQLiteError {
            throw CommandError.internalError("cannot open a reader: \(error)")
        }
    }

    /// Runs `body` inside one transaction; it is committed (and fsynced) before this returns, or rolled back
    /// entirely if `body` throws.
    func write<T>(_ body: (StorageSession) throws -> T) throws -> T {
        let (result, newest): (T, Int64) = try lock.withLock {
            guard commitSignal.withLock({ !closed }) else { throw CommandError.shuttingDown }
            try connection.execute("BEGIN IMMEDIATE")
            let current = catalog
            let session = StorageSession(engine: self, connection: connection, catalog: current.collections)
            defer { recordStatistics(session) }
            do {
                let result = try body(session)
                if session.wroteOplog { try trimOplogIfDue() }
                if session.catalogChanged { try CatalogSnapshot.setVersion(current.version + 1, in: connection) }
                try connection.execute("COMMIT")
                checkpointer?.committed(bytes: session.bytesWritten)
                if session.catalogChanged {
                    let next = CatalogSnapshot(version: current.version + 1, collections: session.catalog)
                    catalogLock.withLock { publishedCatalog = next }
                }
                return (result, session.wroteOplog ? lastTimestamp : 0)
            } catch {
                // The published catalog never saw this transaction's changes: nothing to undo in memory.
                try? connection.execute("ROLLBACK")
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

    /// Deletes the oldest oplog entries beyond `maxEntries` or older than `maxAgeSeconds`, walking the
    /// primary key from its start (never a scan of the whole table), every 256 writing transactions.
    private func trimOplogIfDue() throws {
        writesSinceTrim += 1
        let overCount = oplogCount > oplogLimits.maxEntries + max(64, oplogLimits.maxEntries / 10)
        guard overCount || writesSinceTrim >= 256 else { return }
        writesSinceTrim = 0
        try RetryableWrites.expire(connection)
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
        guard cutoff > writerTrimmedThrough else { return }
        let delete = try connection.prepare("DELETE FROM oplog WHERE ts <= ?")
        delete.bind(1, cutoff)
        try delete.run()
        oplogCount -= Int64(connection.changes)
        writerTrimmedThrough = cutoff
        let meta = try connection.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('trimmedThrough', ?)")
        meta.bind(1, cutoff)
        try meta.run()
    }

    private func recordStatistics(_ session: StorageSession) {
        commitSignal.withLock {
            examined.documents += session.documentsExamined
            examined.keys += session.keysExamined
        }
    }

    /// Documents and index keys read by scans since the store opened.
    var statistics: (documents: Int64, keys: Int64) { commitSignal.withLock { examined } }
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
