import BSON
import CMongoc

/// A database on a `MongoClient`.
public struct Database: Sendable {
    public let name: String
    public let client: MongoClient

    init(name: String, client: MongoClient) throws {
        try Namespace.validateDatabase(name)
        self.name = name
        self.client = client
    }

    public func collection(_ name: String) throws -> Collection {
        try Collection(name: name, database: self)
    }

    /// Runs a command in this database and returns the reply; `ok: 0` throws.
    @discardableResult
    public func runCommand(_ command: Document) throws -> Document {
        try client.runCommand(command, database: name)
    }

    public func listCollectionNames() throws -> [String] {
        let reply = try runCommand(["listCollections": 1, "nameOnly": true])
        let batch = reply.value(at: "cursor.firstBatch")?.arrayValue ?? []
        return batch.compactMap { $0.documentValue?["name"]?.stringValue }
    }

    public func drop() throws {
        try runCommand(["dropDatabase": 1])
    }

    /// A change stream over every collection of this database.
    public func watch(pipeline: [Document] = [], options: ChangeStreamOptions = ChangeStreamOptions()) throws -> ChangeStream {
        let name = self.name
        return try ChangeStream.open(client: client, pipeline: pipeline, options: options) { client, pipelinePointer, optionsPointer in
            let database = mongoc_client_get_database(client, name)
            defer { mongoc_database_destroy(database) }
            return mongoc_database_watch(database, pipelinePointer, optionsPointer)
        }
    }
}

/// MongoDB's naming rules, checked before anything is sent so a bad name gets a clear message.
enum Namespace {
    static func validateDatabase(_ name: String) throws {
        let forbidden: Set<Character> = ["/", "\\", ".", " ", "\"", "$", "\0"]
        guard !name.isEmpty, name.utf8.count < 64, !name.contains(where: forbidden.contains) else {
            throw MongoError(kind: .invalidArgument, code: 73, codeName: "InvalidNamespace",
                             message: "invalid database name '\(name)': 1 to 63 bytes, without / \\ . space \" $ or NUL")
        }
    }

    static func validateCollection(_ name: String) throws {
        guard !name.isEmpty, !name.contains("$"), !name.contains("\0"), !name.hasPrefix("system."), name.utf8.count < 255 else {
            throw MongoError(kind: .invalidArgument, code: 73, codeName: "InvalidNamespace",
                             message: "invalid collection name '\(name)': non-empty, without $ or NUL, not starting with 'system.'")
        }
    }
}
