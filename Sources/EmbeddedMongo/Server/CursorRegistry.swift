import BSON

/// Open cursors by id; a cursor is leased to one getMore at a time and can be killed while leased.
final class CursorRegistry: @unchecked Sendable {
    // `lock` guards every field.
    private let lock = ConditionLock()
    private var cursors: [Int64: OpenCursor] = [:]
    private var leased: Set<Int64> = []
    private var killed: Set<Int64> = []
    private var lastUsed: [Int64: UInt64] = [:]
    /// A cursor nobody touched for this long is dropped, as MongoDB does (cursorTimeoutMillis, 10 minutes).
    static let idleTimeoutNanoseconds: UInt64 = 600 * 1_000_000_000

    /// Registers a cursor and returns its id (positive, never reused in practice: random 62-bit).
    func add(namespace: String, source: CursorSource) -> Int64 {
        lock.withLock {
            sweepIdle()
            var id = Int64.random(in: 1...(Int64.max >> 1))
            while cursors[id] != nil { id = Int64.random(in: 1...(Int64.max >> 1)) }
            cursors[id] = OpenCursor(id: id, namespace: namespace, source: source)
            lastUsed[id] = MonotonicClock.now
            return id
        }
    }

    /// Takes a cursor for one getMore; fails when unknown, killed, or in use elsewhere.
    func lease(_ id: Int64, namespace: String) throws -> OpenCursor {
        try lock.withLock {
            guard let cursor = cursors[id], !killed.contains(id) else { throw CommandError.cursorNotFound(id) }
            guard cursor.namespace == namespace else {
                throw CommandError(code: 13, codeName: "Unauthorized",
                                   message: "cursor \(id) belongs to \(cursor.namespace), not \(namespace)")
            }
            guard !leased.contains(id) else {
                throw CommandError(code: 50738, codeName: "CursorInUse", message: "cursor \(id) is already in use")
            }
            leased.insert(id)
            lastUsed[id] = MonotonicClock.now
            return cursor
        }
    }

    /// Returns a leased cursor; `exhausted` removes it.
    func release(_ cursor: OpenCursor, exhausted: Bool) {
        lock.withLock {
            leased.remove(cursor.id)
            lastUsed[cursor.id] = MonotonicClock.now
            if exhausted || killed.contains(cursor.id) {
                cursors[cursor.id] = nil
                lastUsed[cursor.id] = nil
                killed.remove(cursor.id)
            }
        }
    }

    func isKilled(_ id: Int64) -> Bool {
        lock.withLock { killed.contains(id) || cursors[id] == nil }
    }

    /// Kills cursors; returns (killed, notFound). A leased cursor is removed when its getMore returns.
    func kill(_ ids: [Int64]) -> ([Int64], [Int64]) {
        lock.withLock {
            var done = [Int64](), missing = [Int64]()
            for id in ids {
                guard cursors[id] != nil, !killed.contains(id) else {
                    missing.append(id)
                    continue
                }
                if leased.contains(id) { killed.insert(id) } else { cursors[id] = nil; lastUsed[id] = nil }
                done.append(id)
            }
            return (done, missing)
        }
    }

    func killAll() {
        lock.withLock {
            for id in cursors.keys {
                if leased.contains(id) { killed.insert(id) } else { cursors[id] = nil }
            }
        }
    }

    var count: Int { lock.withLock { cursors.count } }

    /// Drops cursors idle past the timeout (called with the lock held).
    private func sweepIdle() {
        let now = MonotonicClock.now
        for (id, used) in lastUsed where !leased.contains(id) && now > used + Self.idleTimeoutNanoseconds {
            cursors[id] = nil
            lastUsed[id] = nil
            killed.remove(id)
        }
    }
}
