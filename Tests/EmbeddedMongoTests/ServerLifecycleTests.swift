import BSON
@testable import EmbeddedMongo
import Foundation
import Testing

/// Opening, reopening and sharing a data directory.
@Suite struct ServerLifecycleTests {
    @Test func oneStorePerDataDirectory() throws {
        let store = try TestStore()
        defer { store.close() }
        #expect(throws: CommandError.self) {
            _ = try StoreServer(configuration: StoreConfiguration(dbPath: store.directory))
        }
    }

    @Test func dataAndClusterTimeSurviveARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-restart-\(ObjectId().hex)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TestStore(directory: directory)
        _ = try first.command(["createIndexes": "r", "indexes": .array([.document(["key": .document(["k": 1]), "name": "k_1", "unique": true])])])
        let inserted = try first.command(["insert": "r", "documents": .array([.document(["k": 1])])])
        let before = try #require(inserted["operationTime"])
        first.server.stop()

        let second = try TestStore(directory: directory)
        defer { second.close() }
        #expect(try second.command(["count": "r"])["n"] == .int32(1))
        let duplicate = try second.command(["insert": "r", "documents": .array([.document(["k": 1])])])
        #expect(duplicate.value(at: "writeErrors")?.arrayValue?.first?.documentValue?["code"] == .int32(11000), "indexes reopen too")
        let after = try second.command(["insert": "r", "documents": .array([.document(["k": 2])])])
        guard case .timestamp(let s1, let i1) = before, case .timestamp(let s2, let i2)? = after["operationTime"] else {
            Issue.record("operationTime missing")
            return
        }
        #expect((s2, i2) > (s1, i1), "the cluster clock keeps moving forward across restarts")
    }

    @Test func aRetriedWriteReturnsTheFirstReplyEvenAfterARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-retry-\(ObjectId().hex)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session: BSONValue = .document(["id": .binary(subtype: 4, data: (0..<16).map { UInt8($0) })])
        func insert(_ txn: Int64, _ id: Int32) -> Document {
            ["insert": "jobs", "documents": .array([.document(["_id": .int32(id)])]), "lsid": session, "txnNumber": .int64(txn)]
        }
        let first = try TestStore(directory: directory)
        #expect(try first.command(insert(1, 1))["n"] == .int32(1))
        first.server.stop()

        let second = try TestStore(directory: directory)
        defer { second.close() }
        let retried = try second.command(insert(1, 1))
        #expect(retried["n"] == .int32(1), "the stored reply, not a duplicate-key error")
        #expect(retried["writeErrors"] == nil)
        #expect(try second.command(["count": "jobs"])["n"] == .int32(1), "executed once")
        #expect(try second.command(insert(0, 5))["code"] == .int32(225), "an older txnNumber is refused")
        #expect(try second.command(insert(2, 2))["n"] == .int32(1))
        let update: Document = ["update": "jobs", "updates": .array([.document(["q": .document(["_id": 2]), "u": .document(["$inc": .document(["runs": 1])])])]),
                                "lsid": session, "txnNumber": .int64(3)]
        _ = try second.command(update)
        _ = try second.command(update)
        let found = try second.command(["find": "jobs", "filter": .document(["_id": 2])])
        #expect(found.value(at: "cursor.firstBatch")?.arrayValue?.first?.documentValue?["runs"] == .int32(1), "$inc applied once")
    }
}
