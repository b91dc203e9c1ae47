import BSON

/// `findAndModify`: updates, replaces or removes the first match (in `sort` order) and returns it, before or
/// after the change (`new`), optionally upserting.
enum FindAndModifyCommand {
    static func run(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        let command = request.command
        try ReadCommands.rejectCollation(command)
        if command["arrayFilters"] != nil { throw CommandError.notImplemented("arrayFilters") }
        let filter = try ReadCommands.documentOption(command, "query") ?? Document()
        let sort = try ReadCommands.documentOption(command, "sort")
        let projection = try ReadCommands.documentOption(command, "fields").map { try Projection($0) }
        let remove = command["remove"]?.boolValue ?? false
        let returnNew = command["new"]?.boolValue ?? false
        let upsert = command["upsert"]?.boolValue ?? false
        let engine: UpdateEngine? = try command["update"].map { update in
            try NestingDepth.checkPaths(update)
            return try UpdateEngine(update: update)
        }
        guard remove != (engine != nil) else {
            throw CommandError.failedToParse("findAndModify needs exactly one of 'remove: true' and 'update'")
        }
        if remove, upsert || returnNew {
            throw CommandError.failedToParse("findAndModify with remove cannot also upsert or return the new document")
        }
        func modify(_ session: StorageSession) throws -> (Document?, Document) {
            let existing = session.collection(request.database, name)
            let match = try existing.flatMap {
                try QueryExecutor.matching(session, collection: $0, filter: filter, sort: sort, limit: 1).first
            }
            if remove {
                guard let match, let info = existing else { return (nil, ["n": .int32(0)]) }
                try session.delete(match, from: info)
                return (match.document, ["n": .int32(1)])
            }
            guard let engine else { return (nil, ["n": .int32(0)]) }
            if let match, let info = existing {
                let result = try engine.apply(to: match.document, isInsert: false)
                if result.changed {
                    try session.replace(match, with: result.document, in: info,
                                        updateDescription: result.isReplacement ? nil : result.updateDescription.document)
                }
                return (returnNew ? result.document : match.document, ["n": .int32(1), "updatedExisting": true])
            }
            guard upsert else { return (nil, ["n": .int32(0), "updatedExisting": false]) }
            let info = try session.ensureCollection(request.database, name)
            let inserted = try UpdateCommand.insertUpsert(engine, filter: filter, into: info, session: session)
            return (returnNew ? inserted : nil,
                    ["n": .int32(1), "updatedExisting": false, "upserted": inserted["_id"] ?? .null])
        }

        return try RetryableWrites.run(request) { session in
            let (value, lastError) = try modify(session)
            let shown = try value.map { document in try projection.map { try $0.apply(document) } ?? document }
            return ["lastErrorObject": .document(lastError), "value": shown.map(BSONValue.document) ?? .null]
        }
    }
}
