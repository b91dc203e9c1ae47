import BSON

/// The collections and their indexes as of one committed catalog version. Every transaction that changes the
/// catalog bumps the version stored in `meta`, so a reader can tell whether the catalog in memory matches its
/// snapshot of the database.
struct CatalogSnapshot: Sendable {
    let version: Int64
    var collections: [String: CollectionInfo]

    static func version(in connection: SQLiteConnection) throws -> Int64 {
        let statement = try connection.prepare("SELECT value FROM meta WHERE key = 'catalogVersion'")
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : 0
    }

    static func setVersion(_ version: Int64, in connection: SQLiteConnection) throws {
        let statement = try connection.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('catalogVersion', ?)")
        statement.bind(1, version)
        try statement.run()
    }

    static func load(from connection: SQLiteConnection) throws -> CatalogSnapshot {
        let version = try version(in: connection)
        var loaded = [String: CollectionInfo]()
        var byId = [Int64: String]()
        let collections = try connection.prepare("SELECT id, db, name FROM collections")
        defer { collections.reset() }
        while try collections.step() {
            let info = CollectionInfo(id: collections.int64(0), database: collections.text(1), name: collections.text(2), indexes: [])
            loaded[info.namespace] = info
            byId[info.id] = info.namespace
        }
        let indexes = try connection.prepare("SELECT id, collection, name, spec, multikey FROM indexes ORDER BY id")
        defer { indexes.reset() }
        while try indexes.step() {
            guard let namespace = byId[indexes.int64(1)] else { continue }
            let spec = try Document(bytes: indexes.blob(3))
            let keyPattern = spec["key"]?.documentValue ?? Document()
            let definition = IndexDefinition(id: indexes.int64(0), name: indexes.text(2), keyPattern: keyPattern,
                                             fields: try IndexDefinition.parseFields(keyPattern),
                                             unique: spec["unique"]?.boolValue ?? false,
                                             sparse: spec["sparse"]?.boolValue ?? false,
                                             multikey: indexes.int64(4) != 0)
            loaded[namespace]?.indexes.append(definition)
        }
        return CatalogSnapshot(version: version, collections: loaded)
    }
}
