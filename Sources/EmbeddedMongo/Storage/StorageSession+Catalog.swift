import BSON

extension StorageSession {
    func collection(_ database: String, _ name: String) -> CollectionInfo? {
        catalog[database + "." + name]
    }

    func collections(in database: String) -> [CollectionInfo] {
        catalog.values.filter { $0.database == database }.sorted { $0.name < $1.name }
    }

    var databaseNames: [String] {
        Array(Set(catalog.values.map(\.database))).sorted()
    }

    /// The collection, created (empty, with its `_id` index) when it does not exist yet.
    func ensureCollection(_ database: String, _ name: String) throws -> CollectionInfo {
        if let existing = collection(database, name) { return existing }
        return try createCollection(database, name)
    }

    @discardableResult
    func createCollection(_ database: String, _ name: String) throws -> CollectionInfo {
        try Self.validate(database: database, collection: name)
        if collection(database, name) != nil { throw CommandError.namespaceExists(database + "." + name) }
        let insert = try connection.prepare("INSERT INTO collections (db, name) VALUES (?, ?)")
        insert.bind(1, database)
        insert.bind(2, name)
        try insert.run()
        let info = CollectionInfo(id: sqliteLastRowId, database: database, name: name, indexes: [])
        try connection.execute(
            "CREATE TABLE \(info.tableName) (rid INTEGER PRIMARY KEY, idkey BLOB NOT NULL UNIQUE, doc BLOB NOT NULL)")
        catalog[info.namespace] = info
        catalogChanged = true
        return info
    }

    /// Drops a collection and its indexes; logs `drop` (change streams on it then invalidate).
    func dropCollection(_ info: CollectionInfo) throws {
        for index in info.indexes { try connection.execute("DROP TABLE IF EXISTS \(index.tableName)") }
        try connection.execute("DROP TABLE IF EXISTS \(info.tableName)")
        let deleteIndexes = try connection.prepare("DELETE FROM indexes WHERE collection = ?")
        deleteIndexes.bind(1, info.id)
        try deleteIndexes.run()
        let delete = try connection.prepare("DELETE FROM collections WHERE id = ?")
        delete.bind(1, info.id)
        try delete.run()
        catalog[info.namespace] = nil
        catalogChanged = true
        connection.forgetStatements()
        try appendOplog(op: "drop", collection: info)
    }

    func dropDatabase(_ database: String) throws {
        for info in collections(in: database) { try dropCollection(info) }
        try appendOplog(op: "dropDatabase", collection: nil, database: database)
    }

    /// Creates an index and fills it from the documents already stored (failing on duplicates when unique).
    /// Returns false when an identical index already exists.
    func createIndex(_ specification: Document, in name: String, database: String) throws -> Bool {
        guard let keyPattern = specification["key"]?.documentValue else {
            throw CommandError.failedToParse("index specification needs a 'key' document")
        }
        let fields = try IndexDefinition.parseFields(keyPattern)
        guard let indexName = specification["name"]?.stringValue, !indexName.isEmpty else {
            throw CommandError.failedToParse("index specification needs a 'name'")
        }
        let supported: Set<String> = ["key", "name", "unique", "sparse", "v", "background", "ns"]
        if let option = specification.keys.first(where: { !supported.contains($0) }) {
            throw CommandError.notImplemented("the index option '\(option)'")
        }
        let unique = Self.truthy(specification["unique"])
        let sparse = Self.truthy(specification["sparse"])
        var info = try ensureCollection(database, name)
        if indexName == "_id_" || Self.isIdPattern(keyPattern) {
            guard !unique || Self.isIdPattern(keyPattern) else {
                throw CommandError(code: 85, codeName: "IndexOptionsConflict", message: "the _id index is always unique")
            }
            return false
        }
        if let existing = info.indexes.first(where: { $0.name == indexName || $0.keyPattern == keyPattern }) {
            if existing.name == indexName, existing.keyPattern == keyPattern, existing.unique == unique, existing.sparse == sparse {
                return false
            }
            if existing.name == indexName, existing.keyPattern != keyPattern {
                throw CommandError(code: 86, codeName: "IndexKeySpecsConflict",
                                   message: "An existing index has the same name as the requested index but different keys: \(existing.specification)")
            }
            throw CommandError(code: 85, codeName: "IndexOptionsConflict",
                               message: "An equivalent index already exists with a different name or options: \(existing.specification)")
        }
        var stored: Document = ["key": .document(keyPattern), "name": .string(indexName)]
        if unique { stored.append("unique", true) }
        if sparse { stored.append("sparse", true) }
        let insert = try connection.prepare("INSERT INTO indexes (collection, name, spec) VALUES (?, ?, ?)")
        insert.bind(1, info.id)
        insert.bind(2, indexName)
        insert.bind(3, stored.bytes)
        try insert.run()
        let definition = IndexDefinition(id: sqliteLastRowId, name: indexName, keyPattern: keyPattern, fields: fields,
                                         unique: unique, sparse: sparse, multikey: false)
        let columns = unique ? "key BLOB PRIMARY KEY, rid INTEGER NOT NULL"
                             : "key BLOB NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)"
        try connection.execute("CREATE TABLE \(definition.tableName) (\(columns)) WITHOUT ROWID")
        info.indexes.append(definition)
        catalog[info.namespace] = info
        catalogChanged = true
        try backfill(definition, in: info)
        return true
    }

    func dropIndex(named indexName: String, in info: CollectionInfo) throws {
        guard let definition = info.indexes.first(where: { $0.name == indexName }) else {
            throw CommandError.indexNotFound(indexName)
        }
        try connection.execute("DROP TABLE IF EXISTS \(definition.tableName)")
        let delete = try connection.prepare("DELETE FROM indexes WHERE id = ?")
        delete.bind(1, definition.id)
        try delete.run()
        catalog[info.namespace]?.indexes.removeAll { $0.id == definition.id }
        catalogChanged = true
        connection.forgetStatements()
    }

    private func backfill(_ definition: IndexDefinition, in info: CollectionInfo) throws {
        let scan = try connection.prepare("SELECT rid, doc FROM \(info.tableName)")
        let insert = try connection.prepare("INSERT INTO \(definition.tableName) (key, rid) VALUES (?, ?)")
        var multikey = false
        defer { scan.reset() }
        while try scan.step() {
            let document = try Document(bytes: scan.blob(1))
            let keys = try definition.keys(for: document)
            if keys.count > 1 { multikey = true }
            for key in keys {
                insert.reset()
                insert.bind(1, key)
                insert.bind(2, scan.int64(0))
                do {
                    try insert.run()
                } catch let error as SQLiteError where error.isConstraintViolation {
                    throw CommandError.duplicateKey(collection: info.namespace, index: definition.name,
                                                    keyPattern: definition.keyPattern, keyValue: definition.keyValue(for: document))
                }
            }
        }
        if multikey {
            let mark = try connection.prepare("UPDATE indexes SET multikey = 1 WHERE id = ?")
            mark.bind(1, definition.id)
            try mark.run()
            if let position = catalog[info.namespace]?.indexes.firstIndex(where: { $0.id == definition.id }) {
                catalog[info.namespace]?.indexes[position].multikey = true
            }
            catalogChanged = true
        }
    }

    static func isIdPattern(_ keyPattern: Document) -> Bool {
        keyPattern.count == 1 && keyPattern.keys.first == "_id"
    }

    static func truthy(_ value: BSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case let number? where number.isNumber: return number.doubleValue != 0
        default: return false
        }
    }

    static func validate(database: String, collection: String) throws {
        guard !database.isEmpty, !database.contains(where: { "/\\. \"$".contains($0) }) else {
            throw CommandError.invalidNamespace("invalid database name '\(database)'")
        }
        guard !collection.isEmpty, !collection.hasPrefix("system."), !collection.contains("$"), !collection.contains("\0") else {
            throw CommandError.invalidNamespace("invalid collection name '\(collection)'")
        }
    }
}
