import BSON

/// Retryable writes: a driver that lost the reply to a write resends it with the same session id and
/// `txnNumber`. The reply of the last write of each session is stored in the write's own transaction, so a
/// retry gets that reply back instead of running the write twice (a second insert would fail with 11000).
enum RetryableWrites {
    /// Sessions idle longer than this are forgotten (logicalSessionTimeoutMinutes).
    static let sessionLifetimeMilliseconds: Int64 = 30 * 60 * 1000

    static let schema = """
        CREATE TABLE IF NOT EXISTS sessions (lsid BLOB PRIMARY KEY, txn INTEGER NOT NULL, reply BLOB NOT NULL,
            wall INTEGER NOT NULL) WITHOUT ROWID
        """

    /// Runs a write command once per (session, txnNumber): `body` inside the transaction, its reply recorded.
    static func run(_ request: CommandRequest, _ body: @escaping (StorageSession) throws -> Document) throws -> Document {
        guard let lsid = request.command["lsid"]?.documentValue?["id"], let txn = request.command["txnNumber"]?.int64Value else {
            return try request.engine.write(body)
        }
        let key = IndexKeyEncoder.encode(lsid)
        return try request.engine.write { session in
            let lookup = try session.connection.prepare("SELECT txn, reply FROM sessions WHERE lsid = ?")
            lookup.bind(1, key)
            if try lookup.step() {
                let stored = lookup.int64(0)
                let reply = lookup.blob(1)
                lookup.reset()
                if stored == txn { return try Document(bytes: reply) }
                if stored > txn {
                    throw CommandError(code: 225, codeName: "TransactionTooOld",
                                       message: "txnNumber \(txn) is older than the session's last one (\(stored))")
                }
            } else {
                lookup.reset()
            }
            let reply = try body(session)
            let record = try session.connection.prepare("INSERT OR REPLACE INTO sessions (lsid, txn, reply, wall) VALUES (?, ?, ?, ?)")
            record.bind(1, key)
            record.bind(2, txn)
            record.bind(3, reply.bytes)
            record.bind(4, WallClock.milliseconds)
            try record.run()
            return reply
        }
    }

    /// Forgets expired sessions (called with the oplog trimming, inside a write transaction).
    static func expire(_ connection: SQLiteConnection) throws {
        let statement = try connection.prepare("DELETE FROM sessions WHERE wall < ?")
        statement.bind(1, WallClock.milliseconds - sessionLifetimeMilliseconds)
        try statement.run()
    }
}
