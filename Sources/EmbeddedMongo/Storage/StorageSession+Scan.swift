import BSON

extension StorageSession {
    /// Calls `body` with each candidate document of `plan` (a superset of the matches) until it returns false.
    func scan(_ collection: CollectionInfo, plan: ScanPlan, _ body: (StoredDocument) throws -> Bool) throws {
        switch plan {
        case .collectionScan:
            let statement = try connection.prepare("SELECT rid, doc FROM \(collection.tableName) ORDER BY rid")
            defer { statement.reset() }
            while try statement.step() {
                documentsExamined += 1
                let stored = StoredDocument(rowId: statement.int64(0), document: try Document(bytes: statement.blob(1)))
                guard try body(stored) else { return }
            }
        case .idLookup(let id):
            if let stored = try find(id: id, in: collection) { _ = try body(stored) }
        case .indexRange(let index, let lower, let upper, let reverse):
            let order = reverse ? "DESC" : "ASC"
            if index.id == QueryPlanner.idIndex.id {
                let key = TableStatement(purpose: upper == nil ? .idRange : .idRangeBounded, table: collection.id,
                                         detail: reverse ? 1 : 0)
                let statement = try connection.prepare(key) {
                    "SELECT rid, doc FROM \(collection.tableName) WHERE idkey >= ?1" + (upper == nil ? "" : " AND idkey < ?2")
                        + " ORDER BY idkey \(order)"
                }
                defer { statement.reset() }
                statement.bind(1, lower)
                if let upper { statement.bind(2, upper) }
                while try statement.step() {
                    keysExamined += 1
                    documentsExamined += 1
                    guard try body(StoredDocument(rowId: statement.int64(0), document: try Document(bytes: statement.blob(1)))) else { return }
                }
                return
            }
            // The direction rides in the key's sign bit of `detail` beside the collection's id.
            let key = TableStatement(purpose: upper == nil ? .indexRange : .indexRangeBounded, table: index.id,
                                     detail: reverse ? ~collection.id : collection.id)
            let statement = try connection.prepare(key) {
                upper == nil
                    ? "SELECT x.rid, c.doc FROM \(index.tableName) AS x JOIN \(collection.tableName) AS c ON c.rid = x.rid WHERE x.key >= ?1 ORDER BY x.key \(order)"
                    : "SELECT x.rid, c.doc FROM \(index.tableName) AS x JOIN \(collection.tableName) AS c ON c.rid = x.rid WHERE x.key >= ?1 AND x.key < ?2 ORDER BY x.key \(order)"
            }
            defer { statement.reset() }
            statement.bind(1, lower)
            if let upper { statement.bind(2, upper) }
            var seen = Set<Int64>()
            while try statement.step() {
                keysExamined += 1
                let rowId = statement.int64(0)
                // A multikey index lists a document once per distinct key.
                if index.multikey, !seen.insert(rowId).inserted { continue }
                documentsExamined += 1
                let stored = StoredDocument(rowId: rowId, document: try Document(bytes: statement.blob(1)))
                guard try body(stored) else { return }
            }
        }
    }
}
