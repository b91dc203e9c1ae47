import BSON
@testable import EmbeddedMongo
import Foundation

/// A store started in-process on 127.0.0.1 with an ephemeral port and a fresh data directory.
final class TestStore {
    let server: StoreServer
    let directory: String
    let port: Int

    init(oplogLimits: OplogLimits = OplogLimits(), directory: String? = nil) throws {
        let path = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-store-test-\(ObjectId().hex)").path
        self.directory = path
        server = try StoreServer(configuration: StoreConfiguration(dbPath: path, oplogLimits: oplogLimits))
        port = try server.start()
    }

    var uri: String { server.uri }

    /// Stops the server and removes the data directory.
    func close() {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A raw wire client connected to this store.
    func connect() throws -> WireClient {
        try WireClient(port: port)
    }

    /// Runs one command over OP_MSG on a new connection.
    func command(_ command: Document, database: String = "test") throws -> Document {
        let client = try connect()
        defer { client.close() }
        return try client.command(command, database: database)
    }
}

/// Why a wire exchange failed in a test.
struct WireTestError: Error, CustomStringConvertible {
    let description: String
}
