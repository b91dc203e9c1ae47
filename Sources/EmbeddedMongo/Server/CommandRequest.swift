import BSON

/// One command as received: its document, name, target database and the connection it came on.
struct CommandRequest {
    let command: Document
    /// OP_MSG document sequences (e.g. `documents` of an insert), by identifier.
    let sequences: [String: [Document]]
    let name: String
    let database: String
    let connectionId: Int64
    let context: StoreContext

    var engine: StorageEngine { context.engine }

    /// An array-of-documents argument, from a document sequence or the command body.
    func documents(_ field: String) throws -> [Document]? {
        if let sequence = sequences[field] { return sequence }
        guard let value = command[field] else { return nil }
        guard case .array(let elements) = value else { throw CommandError.typeMismatch("'\(field)' must be an array") }
        return try elements.map { element in
            guard case .document(let document) = element else {
                throw CommandError.typeMismatch("each element of '\(field)' must be an object")
            }
            return document
        }
    }

    /// The collection named by the command's first field (`{find: "readings"}`).
    func collectionName() throws -> String {
        guard let name = command[self.name]?.stringValue, !name.isEmpty else {
            throw CommandError.invalidNamespace("collection name must be a non-empty string in '\(self.name)'")
        }
        return name
    }
}
