/// What a change stream watches: one collection, one database, or every database.
enum ChangeStreamScope {
    case collection(database: String, name: String)
    case database(String)
    case cluster

    static let internalDatabases: Set<String> = ["admin", "config", "local"]

    /// Whether an oplog entry concerns this stream.
    func includes(database: String, collection: String?, op: String) -> Bool {
        switch self {
        case .collection(let watchedDatabase, let name):
            return database == watchedDatabase && collection == name
        case .database(let watched):
            return database == watched
        case .cluster:
            return !Self.internalDatabases.contains(database)
        }
    }

    /// Whether an entry ends this stream (an invalidate event follows it).
    func isInvalidated(by op: String, database: String, collection: String?) -> Bool {
        switch self {
        case .collection(let watchedDatabase, let name):
            return op == "drop" && database == watchedDatabase && collection == name
        case .database(let watched):
            return op == "dropDatabase" && database == watched
        case .cluster:
            return false
        }
    }

    var namespace: String {
        switch self {
        case .collection(let database, let name): return database + "." + name
        case .database(let database): return database + ".$cmd.aggregate"
        case .cluster: return "admin.$cmd.aggregate"
        }
    }
}
