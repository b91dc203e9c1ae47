import BSON
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 during a stream of acknowledged inserts loses nothing, and a resumed change stream continues exactly.
@Suite struct DurabilityTests {
    /// Both durability settings promise that an acknowledged write survives the death of the store process.
    @Test(arguments: ["full", "normal"])
    func acknowledgedInsertsSurviveSIGKILLAndTheStreamResumesExactly(sync: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-durability-\(ObjectId().hex)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try StoreProcess(dbPath: directory, sync: sync)
        let watcher = try WireClient(port: first.port)
        let opened = try watcher.command(["aggregate": "acked", "pipeline": .array([.document(["$changeStream": .document([:])])]),
                                          "cursor": .document([:])])
        let cursor = try #require(opened.value(at: "cursor.id")?.int64Value)

        let acknowledged = AcknowledgedLog()
        let writer = try WireClient(port: first.port)
        let inserting = Thread {
            var seq: Int32 = 0
            while let reply = try? writer.command(["insert": "acked", "documents": .array([.document(["_id": .int32(seq)])])]),
                  reply["n"] == .int32(1) {
                acknowledged.add(seq)
                seq += 1
            }
            acknowledged.finish()
        }
        inserting.start()

        // Read some events while the inserts go on, and keep the token of the last one read.
        var seen = [Int32]()
        var token: BSONValue?
        while seen.count < 100 {
            let reply = try watcher.command(["getMore": .int64(cursor), "collection": "acked", "maxTimeMS": 2000])
            for case .document(let event) in reply.value(at: "cursor.nextBatch")?.arrayValue ?? [] {
                guard case .int32(let seq)? = event.value(at: "documentKey._id") else { continue }
                seen.append(seq)
                token = event["_id"]
            }
        }
        #expect(seen == Array(0..<Int32(seen.count)), "events arrive in commit order")
        acknowledged.waitFor(count: seen.count + 200)
        first.kill(SIGKILL)
        acknowledged.waitUntilFinished()
        let acked = acknowledged.values
        #expect(acked.count >= seen.count + 200)

        let second = try StoreProcess(dbPath: directory, sync: sync)
        defer { second.kill(SIGTERM) }
        let reader = try WireClient(port: second.port)
        let found = try reader.command(["find": "acked", "filter": .document([:]), "sort": .document(["_id": 1]), "batchSize": 1_000_000])
        let stored = found.value(at: "cursor.firstBatch")?.arrayValue?.compactMap { $0.documentValue?["_id"] } ?? []
        let storedSeqs = stored.compactMap { value -> Int32? in if case .int32(let seq) = value { return seq } else { return nil } }
        #expect(Set(acked).isSubset(of: Set(storedSeqs)), "every acknowledged insert survived kill -9")
        #expect(storedSeqs == Array(0..<Int32(storedSeqs.count)), "no gap: commits are durable in order")

        let resumed = try reader.command(["aggregate": "acked", "pipeline": .array([.document(["$changeStream": .document(["resumeAfter": try #require(token)])])]),
                                          "cursor": .document([:])])
        #expect(resumed["ok"] == 1.0, "\(resumed)")
        let resumedCursor = try #require(resumed.value(at: "cursor.id")?.int64Value)
        var after = resumed.value(at: "cursor.firstBatch")?.arrayValue?.compactMap { $0.documentValue?.value(at: "documentKey._id") } ?? []
        while true {
            let reply = try reader.command(["getMore": .int64(resumedCursor), "collection": "acked", "maxTimeMS": 200])
            let batch = reply.value(at: "cursor.nextBatch")?.arrayValue ?? []
            if batch.isEmpty { break }
            after += batch.compactMap { $0.documentValue?.value(at: "documentKey._id") }
        }
        let expected = Array(Int32(seen.count)..<Int32(storedSeqs.count)).map(BSONValue.int32)
        #expect(after == expected, "the resumed stream continues after the token with nothing lost or repeated")
    }
}

/// The sequence numbers the server acknowledged, shared by the inserting thread and the test.
final class AcknowledgedLog: @unchecked Sendable {
    // `condition` guards `list` and `finished`.
    private let condition = NSCondition()
    private var list = [Int32]()
    private var finished = false

    func add(_ seq: Int32) {
        condition.lock()
        list.append(seq)
        condition.broadcast()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    var values: [Int32] {
        condition.lock()
        defer { condition.unlock() }
        return list
    }

    func waitFor(count: Int) {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(60)
        while list.count < count, !finished, condition.wait(until: deadline) {}
    }

    func waitUntilFinished() {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(60)
        while !finished, condition.wait(until: deadline) {}
    }
}
