#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Net
import TestSupport

/// Starts a group of loops and stops them at the end of the test body.
func withGroup<T>(loops: Int = 2, _ body: (EventLoopGroup) throws -> T) throws -> T {
    let group = try EventLoopGroup(count: loops)
    group.start()
    defer { group.shutdown() }
    return try body(group)
}


@Suite struct EventLoopTests {
    @Test func executeFromAnotherThreadRunsOnTheLoopThread() throws {
        try withGroup(loops: 1) { group in
            let loop = group.loops[0]
            let ranOnLoop = Box<Bool>()
            DispatchQueue.global().async {
                loop.execute { ranOnLoop.set(loop.isCurrent) }
            }
            #expect(ranOnLoop.wait() == true)
            #expect(!loop.isCurrent)
        }
    }

    @Test func tasksFromOneThreadRunInOrder() throws {
        try withGroup(loops: 1) { group in
            let loop = group.loops[0]
            let order = Box<[Int]>()
            final class Log: @unchecked Sendable { var items: [Int] = [] }  // loop-confined
            let log = Log()
            for index in 0..<1000 {
                loop.execute {
                    log.items.append(index)
                    if index == 999 { order.set(log.items) }
                }
            }
            #expect(order.wait() == Array(0..<1000))
        }
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() throws {
        try withGroup(loops: 1) { group in
            let loop = group.loops[0]
            let result = Box<[String]>()
            loop.execute {
                var fired: [String] = []
                loop.schedule(after: 0.06) { fired.append("c") }
                loop.schedule(after: 0.02) { fired.append("a") }
                let cancelled = loop.schedule(after: 0.03) { fired.append("x") }
                loop.schedule(after: 0.04) { fired.append("b") }
                cancelled.cancel()
                loop.schedule(after: 0.1) { result.set(fired) }
            }
            #expect(result.wait() == ["a", "b", "c"])
        }
    }

    @Test func timerHeapPopsInOrder() {
        var heap = TimerHeap()
        let deadlines: [UInt64] = [50, 10, 40, 10, 30, 20, 60, 0]
        for (index, deadline) in deadlines.enumerated() {
            heap.push(LoopTimer(deadline: deadline, sequence: UInt64(index), action: {}))
        }
        var popped: [(UInt64, UInt64)] = []
        while let timer = heap.pop() { popped.append((timer.deadline, timer.sequence)) }
        #expect(popped.map(\.0) == [0, 10, 10, 20, 30, 40, 50, 60])
        #expect(popped[1].1 == 1 && popped[2].1 == 3)
    }
}
