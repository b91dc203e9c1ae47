import Foundation

/// Copies the WAL back into the database file on its own thread and connection (PASSIVE checkpoints), so a
/// commit never pays for a checkpoint: SQLite's automatic checkpoint would run inside the committing write.
final class Checkpointer: @unchecked Sendable {
    // `signal` guards `pendingBytes`, `requested` and `stopped`.
    private let signal = ConditionLock()
    private var pendingBytes = 0
    private var requested = false
    private var stopped = false
    private var finished = false
    private let connection: SQLiteConnection
    /// WAL bytes (estimated from what commits wrote) that trigger a checkpoint.
    static let threshold = 8 * 1024 * 1024

    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA busy_timeout=5000")
        let thread = Thread { [self] in run() }
        thread.name = "store-checkpoint"
        thread.start()
    }

    /// Notes what a commit wrote; wakes the thread once enough has accumulated.
    func committed(bytes: Int) {
        signal.withLock {
            pendingBytes += bytes
            if pendingBytes >= Self.threshold {
                pendingBytes = 0
                requested = true
                signal.broadcast()
            }
        }
    }

    /// Stops the thread after the checkpoint in progress, if any.
    func stop() {
        signal.withLock {
            stopped = true
            signal.broadcast()
            while !finished { _ = signal.wait(untilMonotonic: MonotonicClock.deadline(afterMilliseconds: 100)) }
        }
    }

    private func run() {
        while true {
            let proceed: Bool = signal.withLock {
                while !requested, !stopped { _ = signal.wait(untilMonotonic: MonotonicClock.deadline(afterMilliseconds: 1000)) }
                requested = false
                return !stopped
            }
            guard proceed else { break }
            // PASSIVE never blocks the writer or readers; what it cannot copy now, a later round will.
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        connection.close()
        signal.withLock {
            finished = true
            signal.broadcast()
        }
    }
}
