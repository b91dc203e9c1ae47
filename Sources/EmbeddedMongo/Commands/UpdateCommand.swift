import BSON

/// `update`: operator updates and replacements, `multi`, `upsert`; each statement in its own savepoint so a
/// failure (duplicate key, immutable `_id`) becomes a `writeErrors` entry without undoing the others.
enum UpdateCommand {
    struct Outcome {
        var matched = 0
        var modified = 0
        var upsertedId: BSONValue?
    }

    static func run(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        guard let values = try request.documents("updates") else {
            throw CommandError.failedToParse("update needs an 'updates' array")
        }
        let ordered = request.command["ordered"]?.boolValue ?? true
        return try RetryableWrites.run(request) { session in
            var total = Outcome()
            var upserted = [Document]()
            var errors = [Document]()
            for (index, value) in values.enumerated() {
                do {
                    let outcome = try session.savepoint { try apply(value, collection: name, request: request, session: session) }
                    total.matched += outcome.matched
                    total.modified += outcome.modified
                    if let id = outcome.upsertedId { upserted.append(["index": .int32(Int32(index)), "_id": id]) }
                } catch let error as CommandError {
                    errors.append(WriteCommands.writeError(index: index, error))
                    if ordered { break }
                }
            }
            var reply: Document = ["n": .int32(Int32(total.matched + upserted.count)), "nModified": .int32(Int32(total.modified))]
            if !upserted.isEmpty { reply.append("upserted", .array(upserted.map(BSONValue.document))) }
            if !errors.isEmpty { reply.append("writeErrors", .array(errors.map(BSONValue.document))) }
            return reply
        }
    }

    private static func apply(_ statement: Document, collection name: String, request: CommandRequest,
                              session: StorageSession) throws -> Outcome {
        guard let filter = statement["q"]?.documentValue,
              let update = statement["u"] else {
            throw CommandError.failedToParse("each update needs a 'q' filter and a 'u' update")
        }
        try ReadCommands.rejectCollation(statement)
        if statement["arrayFilters"] != nil { throw CommandError.notImplemented("arrayFilters") }
        try NestingDepth.checkPaths(update)
        let engine = try UpdateEngine(update: update)
        let multi = statement["multi"]?.boolValue ?? false
        let upsert = statement["upsert"]?.boolValue ?? false
        if multi, case .replacement = engine.kind {
            throw CommandError.failedToParse("multi update is not supported for replacement-style update")
        }
        var outcome = Outcome()
        let existing = session.collection(request.database, name)
        let matches = try existing.map {
            try QueryExecutor.matching(session, collection: $0, filter: filter, limit: multi ? 0 : 1)
        } ?? []
        if matches.isEmpty {
            guard upsert else { return outcome }
            let info = try session.ensureCollection(request.database, name)
            let inserted = try insertUpsert(engine, filter: filter, into: info, session: session)
            outcome.upsertedId = inserted["_id"]
            return outcome
        }
        guard let info = existing else { return outcome }
        for stored in matches {
            let result = try engine.apply(to: stored.document, isInsert: false)
            outcome.matched += 1
            guard result.changed else { continue }
            try session.replace(stored, with: result.document, in: info,
                                updateDescription: result.isReplacement ? nil : result.updateDescription.document)
            outcome.modified += 1
        }
        return outcome
    }

    /// The document an upsert inserts: the filter's equalities, then the update (with `$setOnInsert`), or
    /// the replacement with the filter's `_id` when it gives one.
    static func insertUpsert(_ engine: UpdateEngine, filter: Document, into info: CollectionInfo,
                             session: StorageSession) throws -> Document {
        try NestingDepth.checkPaths(.document(["$filter": .document(filter)]))
        let seed = UpdateEngine.upsertSeed(filter: filter)
        var document: Document
        switch engine.kind {
        case .replacement(let replacement):
            document = replacement
            if document["_id"] == nil, let id = seed["_id"] {
                document = prepending("_id", id, to: document)
            }
        case .operators(let actions) where seed["_id"] == nil && actions.allSatisfy(Self.leavesIdAlone):
            // The new `_id` goes first now, so that storing the result does not rebuild the whole document.
            document = try engine.apply(to: prepending("_id", .objectId(ObjectId()), to: seed), isInsert: true).document
        case .operators:
            document = try engine.apply(to: seed, isInsert: true).document
        }
        try NestingDepth.check(document)
        return try session.insert(document, into: info)
    }

    /// A `$set`/`$setOnInsert` away from `_id`: the same whether or not `_id` is already in the document.
    private static func leavesIdAlone(_ action: UpdateEngine.Action) -> Bool {
        (action.operatorName == "$set" || action.operatorName == "$setOnInsert") && action.path.first != "_id"
    }

    private static func prepending(_ key: String, _ value: BSONValue, to document: Document) -> Document {
        var result = Document()
        result.append(key, value)
        for (name, element) in document.pairs where name != key { result.append(name, element) }
        return result
    }
}
