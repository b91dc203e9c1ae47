import BSON

/// `aggregate`: a change stream when the first stage is `$changeStream`, else a pipeline over a collection.
enum AggregateCommand {
    /// Stages that write or reach other collections, which this store does not run.
    static let refusedStages: Set<String> = ["$out", "$merge", "$currentOp", "$listSessions", "$collStats", "$indexStats",
                                             "$planCacheStats", "$documents", "$unionWith", "$graphLookup", "$search"]

    static func run(_ request: CommandRequest) throws -> Document {
        guard case .array(let values)? = request.command["pipeline"] else {
            throw CommandError.failedToParse("aggregate needs a 'pipeline' array")
        }
        var stages = [Document]()
        for value in values {
            guard case .document(let stage) = value, stage.count == 1 else {
                throw CommandError.failedToParse("each pipeline stage must be an object with exactly one field")
            }
            stages.append(stage)
        }
        if request.command["explain"]?.boolValue == true { throw CommandError.notImplemented("aggregate explain") }
        try ReadCommands.rejectCollation(request.command)
        if let first = stages.first, first.keys.first == "$changeStream" {
            guard let options = first["$changeStream"]?.documentValue else {
                throw CommandError.typeMismatch("$changeStream takes an object")
            }
            return try ChangeStreamOpener.open(request, options: options, stages: Array(stages.dropFirst()))
        }
        if let stage = stages.dropFirst().first(where: { $0.keys.first == "$changeStream" }) {
            throw CommandError(code: 40602, codeName: "Location40602",
                               message: "\(stage.keys.first ?? "") is only valid as the first stage in a pipeline")
        }
        if let refused = stages.compactMap(\.keys.first).first(where: refusedStages.contains) {
            throw CommandError.notImplemented("the \(refused) stage")
        }
        guard request.command["cursor"]?.documentValue != nil else {
            throw CommandError.failedToParse("The 'cursor' option is required, except for aggregate with the explain argument")
        }
        guard case .string(let name)? = request.command["aggregate"] else {
            throw CommandError.notImplemented("collectionless aggregate (aggregate: 1) without $changeStream")
        }
        try StorageSession.validate(database: request.database, collection: name)
        let pipeline = try Pipeline(stages: stages.map(BSONValue.document))
        let leadingFilter = stages.first.flatMap { $0["$match"]?.documentValue } ?? Document()
        let input: [Document] = try request.engine.read { session in
            guard let info = session.collection(request.database, name) else { return [] }
            return try QueryExecutor.matching(session, collection: info, filter: leadingFilter).map(\.document)
        }
        let output = try pipeline.run(input)
        return try CursorReply.first(output, namespace: request.database + "." + name, request: request)
    }
}
