/// A collection in the catalog: its namespace, table and indexes.
struct CollectionInfo: Sendable {
    let id: Int64
    let database: String
    let name: String
    var indexes: [IndexDefinition]

    var namespace: String { database + "." + name }
    var tableName: String { "c\(id)" }
}
