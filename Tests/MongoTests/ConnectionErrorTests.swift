import BSON
import Mongo
import Testing

/// Failures that need no server: they must be quick, clear and name the URI.
@Suite struct ConnectionErrorTests {
    @Test func unreachableServerFailsWithinTheSelectionTimeoutNamingTheURI() throws {
        let uri = "mongodb://127.0.0.1:1/?replicaSet=rs0&serverSelectionTimeoutMS=300"
        let client = try MongoClient(uri: uri)
        #expect {
            try client.ping()
        } throws: { error in
            guard let error = error as? MongoError else { return false }
            return error.kind == .serverSelection && error.message.contains("127.0.0.1:1")
        }
    }

    @Test func malformedURIIsRejectedBeforeConnecting() {
        #expect {
            try MongoClient(uri: "mongodb://user:secret@host:notaport/")
        } throws: { error in
            guard let error = error as? MongoError else { return false }
            return error.kind == .invalidArgument && !error.message.contains("secret")
        }
    }

    @Test(arguments: ["", "bad$name", "system.users", "nul\u{0}x"])
    func invalidCollectionNamesAreRefused(name: String) throws {
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/")
        let database = try client.database("vigie")
        #expect(throws: MongoError.self) { try database.collection(name) }
    }

    @Test(arguments: ["", "a.b", "with space", "dollar$"])
    func invalidDatabaseNamesAreRefused(name: String) throws {
        let client = try MongoClient(uri: "mongodb://127.0.0.1:1/")
        #expect(throws: MongoError.self) { try client.database(name) }
    }
}
