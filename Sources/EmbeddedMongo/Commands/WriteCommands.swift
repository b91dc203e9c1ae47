import BSON

/// insert, update, delete and findAndModify.
enum WriteCommands {
    static let all: [([String], StoreContext.Handler)] = [
        (["insert"], insert),
        (["update"], UpdateCommand.run),
        (["delete"], DeleteCommand.run),
        (["findAndModify", "findandmodify"], FindAndModifyCommand.run),
    ]

    /// Inserts a batch in one transaction; `ordered` stops at the first failure, unordered goes on. Each
    /// failure becomes a `writeErrors` entry (index, code, errmsg, keyPattern/keyValue for 11000).
    static func insert(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        guard let documents = try request.documents("documents") else {
            throw CommandError.failedToParse("insert needs a 'documents' array")
        }
        let ordered = request.command["ordered"]?.boolValue ?? true
        guard documents.count <= 100_000 else {
            throw CommandError(code: 16, codeName: "InvalidLength", message: "write batch sizes must be between 1 and 100000")
        }
        return try RetryableWrites.run(request) { session in
            let collection = try session.ensureCollection(request.database, name)
            var inserted = 0
            var errors = [Document]()
            for (index, document) in documents.enumerated() {
                do {
                    try session.insert(document, into: collection)
                    inserted += 1
                } catch let error as CommandError {
                    errors.append(writeError(index: index, error))
                    if ordered { break }
                }
            }
            var reply: Document = ["n": .int32(Int32(inserted))]
            if !errors.isEmpty { reply.append("writeErrors", .array(errors.map(BSONValue.document))) }
            return reply
        }
    }

    /// One `writeErrors` entry.
    static func writeError(index: Int, _ error: CommandError) -> Document {
        var entry: Document = ["index": .int32(Int32(index)), "code": .int32(error.code), "codeName": .string(error.codeName),
                               "errmsg": .string(error.message)]
        for (key, value) in error.extra { entry.append(key, value) }
        return entry
    }
}
