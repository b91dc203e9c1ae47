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
}
