import Foundation

/// A value set from a loop thread and awaited from the test thread (shared by the Net and WebSocket tests).
public final class Box<T>: @unchecked Sendable {
    // @unchecked Sendable: `value` is guarded by `condition`.
    private let condition = NSCondition()
    private var value: T?

    public init() {}

    public func set(_ newValue: T) {
        condition.lock()
        value = newValue
        condition.broadcast()
        condition.unlock()
    }

    /// Applies `change` to the current value (nil if unset) under the lock.
    public func update(_ change: (T?) -> T) {
        condition.lock()
        value = change(value)
        condition.broadcast()
        condition.unlock()
    }

    public func wait(seconds: Double = 5, until done: (T) -> Bool = { _ in true }) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while value.map(done) != true && condition.wait(until: deadline) {}
        return value
    }
}
