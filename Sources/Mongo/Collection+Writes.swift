import BSON
import CMongoc

extension Collection {
    /// Inserts one document, adding an ObjectId `_id` first when it has none; returns the `_id`.
    @discardableResult
    public func insertOne(_ document: Document) throws -> BSONValue {
        let (withID, id) = Self.ensuringID(document)
        _ = try perform { collection, reply, error in
            withID.withBSONPointer { mongoc_collection_insert_one(collection, $0, nil, reply, error) }
        }
        return id
    }

    /// Inserts documents in one batch. Per-document failures (duplicate keys...) come back in the result;
    /// an ordered insert stops at the first one, an unordered one goes on.
    @discardableResult
    public func insertMany(_ documents: [Document], ordered: Bool = true) throws -> InsertManyResult {
        let result = try bulkWrite(documents.map(WriteModel.insertOne), ordered: ordered)
        return InsertManyResult(insertedCount: result.insertedCount, writeErrors: result.writeErrors)
    }

    @discardableResult
    public func updateOne(_ filter: Document, _ update: Document, upsert: Bool = false) throws -> UpdateResult {
        try performUpdate(filter, update, upsert: upsert, many: false)
    }

    @discardableResult
    public func updateMany(_ filter: Document, _ update: Document, upsert: Bool = false) throws -> UpdateResult {
        try performUpdate(filter, update, upsert: upsert, many: true)
    }

    @discardableResult
    public func replaceOne(_ filter: Document, _ replacement: Document, upsert: Bool = false) throws -> UpdateResult {
        let options: Document = ["upsert": .bool(upsert)]
        let reply = try perform { collection, reply, error in
            filter.withBSONPointer { f in
                replacement.withBSONPointer { r in
                    options.withBSONPointer { mongoc_collection_replace_one(collection, f, r, $0, reply, error) }
                }
            }
        }
        return UpdateResult(reply)
    }

    @discardableResult
    public func deleteOne(_ filter: Document) throws -> Int {
        let reply = try perform { collection, reply, error in
            filter.withBSONPointer { mongoc_collection_delete_one(collection, $0, nil, reply, error) }
        }
        return Int(reply["deletedCount"]?.int64Value ?? 0)
    }

    @discardableResult
    public func deleteMany(_ filter: Document) throws -> Int {
        let reply = try perform { collection, reply, error in
            filter.withBSONPointer { mongoc_collection_delete_many(collection, $0, nil, reply, error) }
        }
        return Int(reply["deletedCount"]?.int64Value ?? 0)
    }

    private func performUpdate(_ filter: Document, _ update: Document, upsert: Bool, many: Bool) throws -> UpdateResult {
        let options: Document = ["upsert": .bool(upsert)]
        let reply = try perform { collection, reply, error in
            filter.withBSONPointer { f in
                update.withBSONPointer { u in
                    options.withBSONPointer { o in
                        many ? mongoc_collection_update_many(collection, f, u, o, reply, error)
                             : mongoc_collection_update_one(collection, f, u, o, reply, error)
                    }
                }
            }
        }
        return UpdateResult(reply)
    }

    /// The document with an `_id` (a new ObjectId, placed first, when missing) and that `_id`.
    static func ensuringID(_ document: Document) -> (Document, BSONValue) {
        if let id = document["_id"] { return (document, id) }
        let id = BSONValue.objectId(ObjectId())
        var withID: Document = ["_id": id]
        for (key, value) in document { withID.append(key, value) }
        return (withID, id)
    }
}

/// What `insertMany` did.
public struct InsertManyResult: Sendable {
    public let insertedCount: Int
    public let writeErrors: [WriteError]
}

/// What an update or replace did.
public struct UpdateResult: Sendable {
    public let matchedCount: Int
    public let modifiedCount: Int
    public let upsertedId: BSONValue?

    init(_ reply: Document) {
        matchedCount = Int(reply["matchedCount"]?.int64Value ?? 0)
        modifiedCount = Int(reply["modifiedCount"]?.int64Value ?? 0)
        upsertedId = reply["upsertedId"]
    }
}
