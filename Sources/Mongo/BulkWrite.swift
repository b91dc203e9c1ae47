import BSON
import CMongoc

/// One operation of a bulk write.
public enum WriteModel: Sendable {
    case insertOne(Document)
    case updateOne(filter: Document, update: Document, upsert: Bool)
    case updateMany(filter: Document, update: Document, upsert: Bool)
    case replaceOne(filter: Document, replacement: Document, upsert: Bool)
    case deleteOne(filter: Document)
    case deleteMany(filter: Document)
}

/// What a bulk write did; write errors are reported here, not thrown.
public struct BulkWriteResult: Sendable {
    public var insertedCount = 0
    public var matchedCount = 0
    public var modifiedCount = 0
    public var deletedCount = 0
    public var upsertedCount = 0
    /// Operation index -> `_id` of each upserted document.
    public var upsertedIds: [Int: BSONValue] = [:]
    public var writeErrors: [WriteError] = []
}

extension Collection {
    /// Sends all operations in as few round trips as libmongoc can (one per 100,000 operations of a kind).
    public func bulkWrite(_ models: [WriteModel], ordered: Bool = true) throws -> BulkWriteResult {
        guard !models.isEmpty else { return BulkWriteResult() }
        return try withCollection { collection in
            let options: Document = ["ordered": .bool(ordered)]
            let bulk = options.withBSONPointer { mongoc_collection_create_bulk_operation_with_opts(collection, $0)! }
            defer { mongoc_bulk_operation_destroy(bulk) }
            var error = bson_error_t()
            for model in models {
                guard Self.add(model, to: bulk, error: &error) else {
                    throw MongoError(kind: .invalidArgument, message: "bulk write on \(namespace): \(errorMessage(error))")
                }
            }
            let (serverID, reply) = withReply { mongoc_bulk_operation_execute(bulk, $0, &error) }
            let result = BulkWriteResult(reply: reply)
            if serverID == 0 && result.writeErrors.isEmpty {
                throw MongoError(error, reply: reply, uri: client.uri)
            }
            return result
        }
    }

    private static func add(_ model: WriteModel, to bulk: OpaquePointer, error: inout bson_error_t) -> Bool {
        switch model {
        case .insertOne(let document):
            return document.withBSONPointer { mongoc_bulk_operation_insert_with_opts(bulk, $0, nil, &error) }
        case .updateOne(let filter, let update, let upsert), .updateMany(let filter, let update, let upsert):
            let options: Document = ["upsert": .bool(upsert)]
            let many = if case .updateMany = model { true } else { false }
            return filter.withBSONPointer { f in
                update.withBSONPointer { u in
                    options.withBSONPointer { o in
                        many ? mongoc_bulk_operation_update_many_with_opts(bulk, f, u, o, &error)
                             : mongoc_bulk_operation_update_one_with_opts(bulk, f, u, o, &error)
                    }
                }
            }
        case .replaceOne(let filter, let replacement, let upsert):
            let options: Document = ["upsert": .bool(upsert)]
            return filter.withBSONPointer { f in
                replacement.withBSONPointer { r in
                    options.withBSONPointer { mongoc_bulk_operation_replace_one_with_opts(bulk, f, r, $0, &error) }
                }
            }
        case .deleteOne(let filter):
            return filter.withBSONPointer { mongoc_bulk_operation_remove_one_with_opts(bulk, $0, nil, &error) }
        case .deleteMany(let filter):
            return filter.withBSONPointer { mongoc_bulk_operation_remove_many_with_opts(bulk, $0, nil, &error) }
        }
    }
}

extension BulkWriteResult {
    init(reply: Document) {
        func count(_ key: String) -> Int { Int(reply[key]?.int64Value ?? 0) }
        insertedCount = count("nInserted")
        matchedCount = count("nMatched")
        modifiedCount = count("nModified")
        deletedCount = count("nRemoved")
        upsertedCount = count("nUpserted")
        for entry in reply["upserted"]?.arrayValue ?? [] {
            guard let entry = entry.documentValue, let index = entry["index"]?.int64Value, let id = entry["_id"] else { continue }
            upsertedIds[Int(index)] = id
        }
        writeErrors = reply["writeErrors"]?.arrayValue?.compactMap { $0.documentValue.map(WriteError.init) } ?? []
    }
}
