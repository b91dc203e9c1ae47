import BSON

/// One stored document: its SQLite row id and contents.
struct StoredDocument {
    let rowId: Int64
    let document: Document
}

/// Operations on the database while the engine's lock is held (one `read` or `write` call).
final class StorageSession {
    unowned let engine: StorageEngine
    var catalogChanged = false
    var wroteOplog = false
    var documentsExamined: Int64 = 0
    var keysExamined: Int64 = 0
    /// Document bytes written (twice: table and oplog), to pace WAL checkpoints.
    var bytesWritten = 0

    /// The writer connection inside `write`, a reader connection inside `read`.
    let connection: SQLiteConnection

    /// The catalog this session sees: its snapshot's, plus its own changes inside a write.
    var catalog: [String: CollectionInfo]

    init(engine: StorageEngine, connection: SQLiteConnection, catalog: [String: CollectionInfo]) {
        self.engine = engine
        self.connection = connection
        self.catalog = catalog
    }

    static let maxDocumentSize = 16 * 1024 * 1024

    // MARK: Documents

    /// Stores a new document (an `_id` is added first when missing) and logs an insert event. Atomic on its
    /// own: a failure (duplicate key) leaves nothing behind, so batches need no savepoint per document.
    @discardableResult
    func insert(_ input: Document, into collection: CollectionInfo) throws -> Document {
        let (document, id) = try Self.withIdFirst(input)
        let bytes = document.bytes
        guard bytes.count <= Self.maxDocumentSize else { throw CommandError.documentTooLarge(bytes.count) }
        // Keys first: a document that cannot be indexed fails before anything is written.
        let indexKeys = try collection.indexes.map { try $0.keys(for: document) }
        let insert = try connection.prepare(TableStatement(purpose: .insertDocument, table: collection.id)) {
            "INSERT INTO \(collection.tableName) (idkey, doc) VALUES (?, ?)"
        }
        insert.bind(1, IndexKeyEncoder.encode(id))
        insert.bind(2, bytes)
        bytesWritten += 2 * bytes.count + 64
        do {
            try insert.run()
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw CommandError.duplicateKey(collection: collection.namespace, index: "_id_", keyPattern: ["_id": 1],
                                            keyValue: ["_id": id])
        }
        let rowId = sqliteLastRowId
        do {
            try addIndexEntries(indexKeys, for: document, rowId: rowId, in: collection)
        } catch {
            let undo = try connection.prepare("DELETE FROM \(collection.tableName) WHERE rid = ?")
            undo.bind(1, rowId)
            try undo.run()
            throw error
        }
        try appendOplog(op: "i", collection: collection, documentKey: ["_id": id], documentBytes: bytes)
        return document
    }

    /// Replaces a stored document, keeping index entries in step; logs `update` (with its description) or
    /// `replace`.
    func replace(_ old: StoredDocument, with document: Document, in collection: CollectionInfo,
                 updateDescription: Document?) throws {
        let bytes = document.bytes
        guard bytes.count <= Self.maxDocumentSize else { throw CommandError.documentTooLarge(bytes.count) }
        try NestingDepth.check(document)
        // Only indexes whose keys differ are touched: an unchanged key keeps its row (and needs no unique check).
        var oldKeys = try collection.indexes.map { try $0.keys(for: old.document) }
        var newKeys = try collection.indexes.map { try $0.keys(for: document) }
        for position in newKeys.indices where newKeys[position] == oldKeys[position] {
            oldKeys[position] = []
            newKeys[position] = []
        }
        bytesWritten += 2 * bytes.count + 64
        let statement = try connection.prepare(TableStatement(purpose: .updateDocument, table: collection.id)) {
            "UPDATE \(collection.tableName) SET doc = ? WHERE rid = ?"
        }
        statement.bind(1, bytes)
        statement.bind(2, old.rowId)
        try statement.run()
        try removeIndexKeys(oldKeys, rowId: old.rowId, in: collection)
        try addIndexEntries(newKeys, for: document, rowId: old.rowId, in: collection)
        let key: Document = ["_id": document["_id"] ?? .null]
        if let updateDescription {
            try appendOplog(op: "u", collection: collection, documentKey: key, extra: updateDescription)
        } else {
            try appendOplog(op: "r", collection: collection, documentKey: key, documentBytes: bytes)
        }
    }

    func delete(_ stored: StoredDocument, from collection: CollectionInfo) throws {
        bytesWritten += 256
        let statement = try connection.prepare(TableStatement(purpose: .deleteDocument, table: collection.id)) {
            "DELETE FROM \(collection.tableName) WHERE rid = ?"
        }
        statement.bind(1, stored.rowId)
        try statement.run()
        try removeIndexEntries(for: stored.document, rowId: stored.rowId, in: collection)
        try appendOplog(op: "d", collection: collection, documentKey: ["_id": stored.document["_id"] ?? .null])
    }

    func find(id: BSONValue, in collection: CollectionInfo) throws -> StoredDocument? {
        let statement = try connection.prepare(TableStatement(purpose: .findById, table: collection.id)) {
            "SELECT rid, doc FROM \(collection.tableName) WHERE idkey = ?"
        }
        statement.bind(1, IndexKeyEncoder.encode(id))
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        documentsExamined += 1
        return StoredDocument(rowId: statement.int64(0), document: try Document(bytes: statement.blob(1)))
    }

    func count(of collection: CollectionInfo) throws -> Int64 {
        let statement = try connection.prepare("SELECT COUNT(*) FROM \(collection.tableName)")
        defer { statement.reset() }
        _ = try statement.step()
        return statement.int64(0)
    }

    /// Runs a SAVEPOINT around `body`: a failure undoes only what `body` did (one document of a batch).
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        try connection.prepare("SAVEPOINT one_document").run()
        do {
            let result = try body()
            try connection.prepare("RELEASE one_document").run()
            return result
        } catch {
            try connection.prepare("ROLLBACK TO one_document").run()
            try connection.prepare("RELEASE one_document").run()
            throw error
        }
    }

    var sqliteLastRowId: Int64 { sqlite3LastInsertRowId(connection) }

    /// MongoDB stores `_id` first and refuses arrays (and regexes) as `_id`; returns the document and its id.
    static func withIdFirst(_ document: Document) throws -> (Document, BSONValue) {
        guard let id = document["_id"] else {
            let id = BSONValue.objectId(ObjectId())
            var result = Document()
            result.append("_id", id)
            for (key, value) in document.pairs { result.append(key, value) }
            return (result, id)
        }
        switch id {
        case .array: throw CommandError.badValue("can't use an array for _id")
        case .regex: throw CommandError.badValue("can't use a regex for _id")
        case .undefined: throw CommandError.badValue("can't use undefined for _id")
        default: break
        }
        if firstKeyIsId(document) { return (document, id) }
        var result = Document()
        result.append("_id", id)
        for (key, value) in document.pairs where key != "_id" { result.append(key, value) }
        return (result, id)
    }

    /// Whether the first field is `_id`, read from the encoding (element type byte, then the name) so that no
    /// value is decoded.
    static func firstKeyIsId(_ document: Document) -> Bool {
        let bytes = document.bytes
        return bytes.count >= 9 && bytes[5] == 0x5F && bytes[6] == 0x69 && bytes[7] == 0x64 && bytes[8] == 0
    }

    // MARK: Index entries

    /// Adds every index entry of a document; on a duplicate key, removes the entries it added before throwing.
    private func addIndexEntries(_ allKeys: [[[UInt8]]], for document: Document, rowId: Int64, in collection: CollectionInfo) throws {
        var added = [(table: String, key: [UInt8])]()
        for (index, keys) in zip(collection.indexes, allKeys) {
            if keys.count > 1, !index.multikey { try markMultikey(index, in: collection) }
            let statement = try connection.prepare(TableStatement(purpose: .insertIndexKey, table: index.id)) {
                "INSERT INTO \(index.tableName) (key, rid) VALUES (?, ?)"
            }
            for key in keys {
                statement.reset()
                statement.bind(1, key)
                statement.bind(2, rowId)
                do {
                    try statement.run()
                    added.append((index.tableName, key))
                } catch let error as SQLiteError where error.isConstraintViolation {
                    for entry in added {
                        let undo = try connection.prepare("DELETE FROM \(entry.table) WHERE key = ? AND rid = ?")
                        undo.bind(1, entry.key)
                        undo.bind(2, rowId)
                        try undo.run()
                    }
                    throw CommandError.duplicateKey(collection: collection.namespace, index: index.name,
                                                    keyPattern: index.keyPattern, keyValue: index.keyValue(for: document))
                }
            }
        }
    }

    private func removeIndexEntries(for document: Document, rowId: Int64, in collection: CollectionInfo) throws {
        try removeIndexKeys(try collection.indexes.map { try $0.keys(for: document) }, rowId: rowId, in: collection)
    }

    /// Removes these keys (one list per index of the collection, in order) of one document.
    private func removeIndexKeys(_ allKeys: [[[UInt8]]], rowId: Int64, in collection: CollectionInfo) throws {
        for (index, keys) in zip(collection.indexes, allKeys) where !keys.isEmpty {
            let statement = try connection.prepare(TableStatement(purpose: .deleteIndexKey, table: index.id)) {
                "DELETE FROM \(index.tableName) WHERE key = ? AND rid = ?"
            }
            for key in keys {
                statement.reset()
                statement.bind(1, key)
                statement.bind(2, rowId)
                try statement.run()
            }
        }
    }

    private func markMultikey(_ index: IndexDefinition, in collection: CollectionInfo) throws {
        let statement = try connection.prepare("UPDATE indexes SET multikey = 1 WHERE id = ?")
        statement.bind(1, index.id)
        try statement.run()
        if let position = catalog[collection.namespace]?.indexes.firstIndex(where: { $0.id == index.id }) {
            catalog[collection.namespace]?.indexes[position].multikey = true
        }
        catalogChanged = true
    }

    // MARK: Oplog

    func appendOplog(op: String, collection: CollectionInfo?, database: String? = nil, documentKey: Document? = nil,
                     documentBytes: [UInt8]? = nil, extra: Document? = nil) throws {
        let statement = try connection.prepare(
            "INSERT INTO oplog (ts, wall, op, db, coll, dockey, doc, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        statement.bind(1, engine.nextTimestamp())
        statement.bind(2, WallClock.milliseconds)
        statement.bind(3, op)
        statement.bind(4, collection?.database ?? database ?? "")
        if let collection { statement.bind(5, collection.name) } else { statement.bindNull(5) }
        if let documentKey { statement.bind(6, documentKey.bytes) } else { statement.bindNull(6) }
        if let documentBytes { statement.bind(7, documentBytes) } else { statement.bindNull(7) }
        if let extra { statement.bind(8, extra.bytes) } else { statement.bindNull(8) }
        try statement.run()
        engine.oplogCount += 1
        wroteOplog = true
    }
}
