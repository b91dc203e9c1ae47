import BSON

/// `delete`: each statement removes one (limit 1) or every (limit 0) matching document.
enum DeleteCommand {
    static func run(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        guard let values = try request.documents("deletes") else {
            throw CommandError.failedToParse("delete needs a 'deletes' array")
        }
        let ordered = request.command["ordered"]?.boolValue ?? true
        return try RetryableWrites.run(request) { session in
            var removed = 0
            var errors = [Document]()
            for (index, value) in values.enumerated() {
                do {
                    removed += try session.savepoint { try deleteOne(value, collection: name, request: request, session: session) }
                } catch let error as CommandError {
                    errors.append(WriteCommands.writeError(index: index, error))
                    if ordered { break }
                }
            }
            var reply: Document = ["n": .int32(Int32(removed))]
            if !errors.isEmpty { reply.append("writeErrors", .array(errors.map(BSONValue.document))) }
            return reply
        }
    }

    private static func deleteOne(_ statement: Document, collection name: String, request: CommandRequest,
                                  session: StorageSession) throws -> Int {
        guard let filter = statement["q"]?.documentValue else {
            throw CommandError.failedToParse("each delete needs a 'q' filter object")
        }
        try ReadCommands.rejectCollation(statement)
        guard let limit = statement["limit"]?.int64Value, limit == 0 || limit == 1 else {
            throw CommandError.failedToParse("delete 'limit' must be 0 (all) or 1")
        }
        guard let info = session.collection(request.database, name) else { return 0 }
        let matches = try QueryExecutor.matching(session, collection: info, filter: filter, limit: Int(limit))
        for stored in matches { try session.delete(stored, from: info) }
        return matches.count
    }
}
