import BSON
import CMongoc

/// A thread-safe MongoDB client over a `mongoc_client_pool_t`: each operation borrows a client and returns it.
public final class MongoClient: @unchecked Sendable {
    // The pool is thread-safe by libmongoc's contract; `pool` itself never changes after init.
    let pool: OpaquePointer
    private let uriHandle: OpaquePointer
    /// The connection string (password redacted), for messages.
    public let uri: String

    /// Server selection timeout applied when the URI does not set one: long enough for a replica set
    /// election, short enough that a dead database is reported promptly rather than after libmongoc's 30 s.
    public static let defaultServerSelectionTimeoutMS: Int32 = 5000

    /// Connects lazily: nothing is sent until the first operation.
    public init(uri: String, serverSelectionTimeoutMS: Int32? = nil, appName: String = "vigie") throws {
        LibMongoc.ensureInitialised()
        var error = bson_error_t()
        guard let handle = mongoc_uri_new_with_error(uri, &error) else {
            throw MongoError(kind: .invalidArgument, message: "invalid MongoDB URI '\(redact(uri))': \(errorMessage(error))")
        }
        let timeout = serverSelectionTimeoutMS
            ?? (uri.lowercased().contains("serverselectiontimeoutms") ? nil : Self.defaultServerSelectionTimeoutMS)
        if let timeout {
            mongoc_uri_set_option_as_int32(handle, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout)
        }
        if !uri.lowercased().contains("connecttimeoutms") {
            mongoc_uri_set_option_as_int32(handle, MONGOC_URI_CONNECTTIMEOUTMS, 3000)
        }
        guard let pool = mongoc_client_pool_new(handle) else {
            mongoc_uri_destroy(handle)
            throw MongoError(kind: .invalidArgument, message: "libmongoc refused the URI '\(redact(uri))'")
        }
        mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        mongoc_client_pool_set_appname(pool, appName)
        self.pool = pool
        self.uriHandle = handle
        self.uri = redact(uri)
    }

    deinit {
        mongoc_client_pool_destroy(pool)
        mongoc_uri_destroy(uriHandle)
    }

    /// Borrows a client from the pool for the duration of `body`.
    func withClient<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        let lease = ClientLease(self)
        return try body(lease.client)
    }

    public func database(_ name: String) throws -> Database {
        try Database(name: name, client: self)
    }

    /// Runs a command against `database` (default `admin`) and returns the server's reply.
    @discardableResult
    public func runCommand(_ command: Document, database: String = "admin") throws -> Document {
        try withClient { client in
            var error = bson_error_t()
            let (ok, reply) = command.withBSONPointer { commandPointer in
                withReply { mongoc_client_command_simple(client, database, commandPointer, nil, $0, &error) }
            }
            guard ok else { throw MongoError(error, reply: reply, uri: uri) }
            return reply
        }
    }

    /// `ping`: succeeds when a server was selected and answered.
    public func ping() throws {
        try runCommand(["ping": 1])
    }

    /// The server's `hello` reply (replica-set name, primary, wire versions).
    public func hello() throws -> Document {
        try runCommand(["hello": 1])
    }

    public func listDatabaseNames() throws -> [String] {
        let reply = try runCommand(["listDatabases": 1, "nameOnly": true])
        return reply["databases"]?.arrayValue?.compactMap { $0.documentValue?["name"]?.stringValue } ?? []
    }

    /// A change stream over every collection of every database.
    public func watch(pipeline: [Document] = [], options: ChangeStreamOptions = ChangeStreamOptions()) throws -> ChangeStream {
        try ChangeStream.open(client: self, pipeline: pipeline, options: options) { client, pipelinePointer, optionsPointer in
            mongoc_client_watch(client, pipelinePointer, optionsPointer)
        }
    }
}

/// A client popped from the pool, pushed back when the lease ends; cursors and streams keep theirs.
final class ClientLease: @unchecked Sendable {
    // Used by one thread at a time: a lease belongs to the operation, cursor or stream that holds it.
    let owner: MongoClient
    let client: OpaquePointer

    init(_ owner: MongoClient) {
        self.owner = owner
        client = mongoc_client_pool_pop(owner.pool)
    }

    deinit {
        mongoc_client_pool_push(owner.pool, client)
    }
}
