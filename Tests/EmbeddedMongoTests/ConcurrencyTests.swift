import BSON
@testable import EmbeddedMongo
import Foundation
import Testing

/// Many clients at once: writers, readers and a change stream on separate connections, with no lost write,
/// no failed command and every event seen once, in commit order.
@Suite struct ConcurrencyTests {
    @Test func writersReadersAndAStreamTogether() throws {
        let store = try TestStore()
        defer { store.close() }
        let watcher = try store.connect()
        let opened = try watcher.command(["aggregate": "busy", "pipeline": .array([.document(["$changeStream": .document([:])])]),
                                          "cursor": .document([:])])
        let cursor = try #require(opened.value(at: "cursor.id")?.int64Value)
        let writers = 4, perWriter = 150
        let failures = OrderLog()
        let done = OrderLog()
        for writer in 0..<writers {
            let client = try store.connect()
            Thread {
                for index in 0..<perWriter {
                    let reply = try? client.command(["insert": "busy", "documents": .array([.document([
                        "writer": .int32(Int32(writer)), "index": .int32(Int32(index)),
                    ])])])
                    if reply?["n"] != .int32(1) { failures.append("insert \(writer)/\(index): \(String(describing: reply))") }
                    if index % 10 == 0 {
                        let update = try? client.command(["update": "busy", "updates": .array([.document([
                            "q": .document(["writer": .int32(Int32(writer)), "index": .int32(Int32(index))]),
                            "u": .document(["$set": .document(["touched": true])]),
                        ])])])
                        if update?["nModified"] != .int32(1) { failures.append("update \(writer)/\(index)") }
                    }
                }
                done.append("writer")
            }.start()
        }
        for _ in 0..<2 {
            let client = try store.connect()
            Thread {
                for _ in 0..<40 {
                    let reply = try? client.command(["count": "busy", "query": .document(["touched": true])])
                    if reply?["ok"] != 1.0 { failures.append("count: \(String(describing: reply))") }
                }
                done.append("reader")
            }.start()
        }
        var inserts = [Int32: Int32]()
        var times = [Int64]()
        var emptyBatches = 0
        while inserts.count < writers * perWriter, emptyBatches < 5 {
            let reply = try watcher.command(["getMore": .int64(cursor), "collection": "busy", "maxTimeMS": 2000])
            if reply.value(at: "cursor.nextBatch")?.arrayValue?.isEmpty ?? true { emptyBatches += 1 }
            for case .document(let event) in reply.value(at: "cursor.nextBatch")?.arrayValue ?? [] {
                if case .timestamp(let seconds, let increment)? = event["clusterTime"] {
                    times.append(Int64(seconds) << 32 | Int64(increment))
                }
                guard event["operationType"] == "insert", case .int32(let writer)? = event.value(at: "fullDocument.writer"),
                      case .int32(let index)? = event.value(at: "fullDocument.index") else { continue }
                #expect(inserts[writer * 1000 + index] == nil, "an event seen twice")
                inserts[writer * 1000 + index] = index
            }
        }
        #expect(done.waitFor(count: writers + 2, seconds: 120))
        #expect(failures.entries.isEmpty, "\(failures.entries.prefix(5))")
        #expect(inserts.count == writers * perWriter)
        #expect(times == times.sorted() && Set(times).count == times.count, "events in commit order, distinct times")
        let total = try store.command(["count": "busy"])
        #expect(total["n"] == .int32(Int32(writers * perWriter)))
        let touched = try store.command(["count": "busy", "query": .document(["touched": true])])
        #expect(touched["n"] == .int32(Int32(writers * perWriter / 10)))
    }

    @Test func startingAndStoppingReleasesEveryDatabaseFile() throws {
        // Other tests run in parallel, so count only descriptors that point into this test's directories.
        let marker = "vigie-release-test-\(ObjectId().hex)"
        func descriptorsIntoTestDirectories() -> Int {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return entries.filter { entry in
                ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)) ?? "").contains(marker)
            }.count
        }
        for round in 0..<10 {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(marker)-\(round)").path
            let store = try TestStore(directory: directory)
            let client = try store.connect()
            _ = try client.command(["insert": "x", "documents": .array([.document(["a": 1])])])
            _ = try client.command(["find": "x", "filter": .document([:])])
            _ = try client.command(["aggregate": "x", "pipeline": .array([.document(["$changeStream": .document([:])])]), "cursor": .document([:])])
            #expect(descriptorsIntoTestDirectories() > 0, "the open store holds its files")
            client.close()
            store.server.stop()
            #expect(descriptorsIntoTestDirectories() == 0, "stop() closes the database, its readers, the checkpointer and the lock")
            store.close()
        }
    }
}
