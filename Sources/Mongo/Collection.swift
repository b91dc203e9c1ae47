import BSON
import CMongoc

/// A collection: the CRUD, index and change-stream operations Vigie uses.
public struct Collection: Sendable {
    public let name: String
    public let database: Database

    init(name: String, database: Database) throws {
        try Namespace.validateCollection(name)
        self.name = name
        self.database = database
    }

    var client: MongoClient { database.client }

    /// "vigie.readings".
    public var namespace: String { "\(database.name).\(name)" }

    /// Borrows a pooled client and a `mongoc_collection_t` for one operation.
    func withCollection<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try client.withClient { client in
            let collection = mongoc_client_get_collection(client, database.name, name)!
            defer { mongoc_collection_destroy(collection) }
            return try body(collection)
        }
    }

    /// Runs one libmongoc call that fills a reply and reports failure through `bson_error_t`.
    func perform(_ call: (OpaquePointer, OpaquePointer, UnsafeMutablePointer<bson_error_t>) -> Bool) throws -> Document {
        var error = bson_error_t()
        let (ok, reply) = withCollection { collection in withReply { call(collection, $0, &error) } }
        guard ok else { throw MongoError(error, reply: reply, uri: client.uri) }
        return reply
    }

    // MARK: Reads

    public func find(_ filter: Document = Document(), options: FindOptions = FindOptions()) throws -> MongoCursor {
        let lease = ClientLease(client)
        let collection = mongoc_client_get_collection(lease.client, database.name, name)!
        defer { mongoc_collection_destroy(collection) }
        let cursor = filter.withBSONPointer { filterPointer in
            options.document.withBSONPointer { mongoc_collection_find_with_opts(collection, filterPointer, $0, nil)! }
        }
        return MongoCursor(cursor: cursor, lease: lease)
    }

    /// The first document matching `filter` in `sort` order, or nil.
    public func findOne(_ filter: Document = Document(), sort: Document? = nil) throws -> Document? {
        var options = FindOptions(sort: sort, limit: 1)
        options.batchSize = 1
        return try find(filter, options: options).nextDocument()
    }

    public func aggregate(_ pipeline: [Document], batchSize: Int? = nil) throws -> MongoCursor {
        let lease = ClientLease(client)
        let collection = mongoc_client_get_collection(lease.client, database.name, name)!
        defer { mongoc_collection_destroy(collection) }
        let stages: Document = ["pipeline": .array(pipeline.map(BSONValue.document))]
        var options = Document()
        if let batchSize { options["batchSize"] = .int32(Int32(clamping: batchSize)) }
        let cursor = stages.withBSONPointer { stagesPointer in
            options.withBSONPointer { mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, stagesPointer, $0, nil)! }
        }
        return MongoCursor(cursor: cursor, lease: lease)
    }

    public func countDocuments(_ filter: Document = Document()) throws -> Int {
        var error = bson_error_t()
        let (count, reply) = withCollection { collection in
            filter.withBSONPointer { filterPointer in
                withReply { mongoc_collection_count_documents(collection, filterPointer, nil, nil, $0, &error) }
            }
        }
        guard count >= 0 else { throw MongoError(error, reply: reply, uri: client.uri) }
        return Int(count)
    }

    /// A change stream on this collection; see `ChangeStreamOptions` for resuming.
    public func watch(pipeline: [Document] = [], options: ChangeStreamOptions = ChangeStreamOptions()) throws -> ChangeStream {
        let (databaseName, name) = (database.name, self.name)
        return try ChangeStream.open(client: client, pipeline: pipeline, options: options) { client, pipelinePointer, optionsPointer in
            let collection = mongoc_client_get_collection(client, databaseName, name)
            defer { mongoc_collection_destroy(collection) }
            return mongoc_collection_watch(collection, pipelinePointer, optionsPointer)
        }
    }

    // MARK: Indexes and lifecycle

    /// Creates an index (no-op when an identical one exists) and returns its name.
    @discardableResult
    public func createIndex(_ keys: Document, name indexName: String? = nil, unique: Bool = false) throws -> String {
        let generated = keys.pairs.map { "\($0.key)_\($0.value.int64Value.map(String.init) ?? $0.value.stringValue ?? "1")" }
        let resolvedName = indexName ?? generated.joined(separator: "_")
        var index: Document = ["key": .document(keys), "name": .string(resolvedName)]
        if unique { index["unique"] = true }
        try database.runCommand(["createIndexes": .string(name), "indexes": [.document(index)]])
        return resolvedName
    }

    public func listIndexes() throws -> [Document] {
        let reply = try database.runCommand(["listIndexes": .string(name)])
        return reply.value(at: "cursor.firstBatch")?.arrayValue?.compactMap(\.documentValue) ?? []
    }

    /// Drops the collection; dropping one that does not exist is not an error.
    public func drop() throws {
        do {
            try database.runCommand(["drop": .string(name)])
        } catch let error as MongoError where error.code == 26 {
            return
        }
    }
}

/// Options of `Collection.find`.
public struct FindOptions: Sendable {
    public var sort: Document?
    public var limit: Int?
    public var skip: Int?
    public var projection: Document?
    public var batchSize: Int?

    public init(sort: Document? = nil, limit: Int? = nil, skip: Int? = nil, projection: Document? = nil, batchSize: Int? = nil) {
        self.sort = sort
        self.limit = limit
        self.skip = skip
        self.projection = projection
        self.batchSize = batchSize
    }

    var document: Document {
        var options = Document()
        if let sort { options["sort"] = .document(sort) }
        if let limit { options["limit"] = .int64(Int64(limit)) }
        if let skip { options["skip"] = .int64(Int64(skip)) }
        if let projection { options["projection"] = .document(projection) }
        if let batchSize { options["batchSize"] = .int64(Int64(batchSize)) }
        return options
    }
}
