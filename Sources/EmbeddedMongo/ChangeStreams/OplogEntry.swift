import BSON

/// One row of the oplog table.
struct OplogEntry {
    let timestamp: Int64
    let wall: Int64
    let op: String
    let database: String
    let collection: String?
    let documentKey: Document?
    let document: Document?
    let extra: Document?
}
