import BSON
import Mongo
import TestSupport

/// The MongoDB the tests talk to: `MONGODB_URI` when set (a real replica set), otherwise the embedded store.
enum TestServer {
    static func uri() throws -> String { try EmbeddedTestStore.shared.uri() }

    /// A client and a database with a unique name, dropped by the caller's `defer`.
    static func freshDatabase(_ label: String = #function) throws -> (MongoClient, Database) {
        let client = try MongoClient(uri: uri())
        let suffix = ObjectId().hex.suffix(8)
        let name = "t_" + label.filter { $0.isLetter || $0.isNumber }.prefix(40) + "_" + suffix
        return (client, try client.database(String(name)))
    }
}
