import Foundation

/// When each insert started, shared between the inserting thread and the reader.
final class SentTimes: @unchecked Sendable {
    // @unchecked Sendable: every field is guarded by `condition`.
    private let condition = NSCondition()
    private var times: [UInt64?]
    private var complete = false
    private var failure: String?

    init(count: Int) { times = Array(repeating: nil, count: count) }

    func mark(_ sequence: Int, _ time: UInt64) { condition.withLock { times[sequence] = time } }

    func time(_ sequence: Int) -> UInt64? {
        condition.withLock { sequence < times.count ? times[sequence] : nil }
    }

    func finish(error: String?) {
        condition.lock()
        complete = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    var isComplete: Bool { condition.withLock { complete } }

    /// Waits for the inserting thread; returns its error, if any.
    func waitUntilComplete() -> String? {
        condition.lock()
        defer { condition.unlock() }
        while !complete { condition.wait() }
        return failure
    }
}
