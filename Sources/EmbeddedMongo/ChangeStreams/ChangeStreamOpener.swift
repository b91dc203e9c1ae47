import BSON

/// Opens a change stream from `aggregate` with `$changeStream` as its first stage.
enum ChangeStreamOpener {
    /// Stages allowed after `$changeStream`: they reshape or filter single events.
    static let allowedStages: Set<String> = ["$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot",
                                             "$replaceWith"]

    static func open(_ request: CommandRequest, options: Document, stages: [Document]) throws -> Document {
        let scope = try scope(for: request, options: options)
        let supported: Set<String> = ["resumeAfter", "startAfter", "startAtOperationTime", "fullDocument",
                                      "fullDocumentBeforeChange", "allChangesForCluster", "showExpandedEvents"]
        if let option = options.keys.first(where: { !supported.contains($0) }) {
            throw CommandError.notImplemented("the $changeStream option '\(option)'")
        }
        var lookup = false
        switch options["fullDocument"] {
        case nil, .string("default")?: break
        case .string("updateLookup")?: lookup = true
        case let other?: throw CommandError.notImplemented("fullDocument: \(other) (post-images)")
        }
        switch options["fullDocumentBeforeChange"] {
        case nil, .string("off")?: break
        case let other?: throw CommandError.notImplemented("fullDocumentBeforeChange: \(other) (pre-images)")
        }
        if options["showExpandedEvents"]?.boolValue == true { throw CommandError.notImplemented("showExpandedEvents") }
        for stage in stages {
            guard let name = stage.keys.first, stage.count == 1, allowedStages.contains(name) else {
                throw CommandError(code: 20, codeName: "IllegalOperation",
                                   message: "\(stage.keys.first ?? "{}") is not permitted in a $changeStream pipeline")
            }
        }
        let pipeline = stages.isEmpty ? nil : try Pipeline(stages: stages.map(BSONValue.document))
        let engine = request.engine
        let start: Int64 = try engine.read { session in
            let trimmed = try session.engine.trimmedThrough(in: session)
            let given = [options["resumeAfter"], options["startAfter"], options["startAtOperationTime"]].compactMap { $0 }
            guard given.count <= 1 else {
                throw CommandError.badValue("only one of resumeAfter, startAfter and startAtOperationTime may be given")
            }
            if let value = options["resumeAfter"] ?? options["startAfter"] {
                let token = try ResumeToken(value)
                if token.isInvalidate, options["resumeAfter"] != nil {
                    throw CommandError.invalidResumeToken("cannot resume a stream after an invalidate event; use startAfter")
                }
                guard token.timestamp >= trimmed else {
                    throw CommandError.changeStreamHistoryLost("resume token \(token.document) is older than the oldest oplog entry kept")
                }
                return token.timestamp
            }
            if let value = options["startAtOperationTime"] {
                guard let time = StoreContext.timestampValue(value) else {
                    throw CommandError.typeMismatch("startAtOperationTime must be a Timestamp")
                }
                guard time > trimmed || trimmed == 0 else {
                    throw CommandError.changeStreamHistoryLost("startAtOperationTime is older than the oldest oplog entry kept")
                }
                return max(time &- 1, 0)
            }
            // Everything committed so far is visible to this read; later commits get later cluster times.
            return session.engine.committedTimestamp
        }
        let cursor = ChangeStreamCursor(scope: scope, after: start, lookupFullDocument: lookup, pipeline: pipeline)
        let batchSize = try CursorReply.batchSize(request.command["cursor"]?.documentValue?["batchSize"]) ?? 101
        let events = try cursor.nextBatch(engine: engine, limit: max(batchSize, 1), deadline: nil, cancelled: { false })
        var id: Int64 = 0
        if !cursor.invalidated {
            id = request.context.cursors.add(namespace: scope.namespace, source: .changeStream(cursor))
        }
        return CursorReply.changeStream(events, cursor: cursor, id: id, namespace: scope.namespace, first: true)
    }

    private static func scope(for request: CommandRequest, options: Document) throws -> ChangeStreamScope {
        let allChanges = options["allChangesForCluster"]?.boolValue ?? false
        switch request.command["aggregate"] {
        case .string(let name)?:
            guard !allChanges else { throw CommandError.invalidOptions("allChangesForCluster needs {aggregate: 1} on admin") }
            try StorageSession.validate(database: request.database, collection: name)
            return .collection(database: request.database, name: name)
        case let value? where value.int64Value == 1:
            if allChanges {
                guard request.database == "admin" else {
                    throw CommandError.invalidOptions("allChangesForCluster is only valid on the admin database")
                }
                return .cluster
            }
            guard !ChangeStreamScope.internalDatabases.contains(request.database) else {
                throw CommandError.invalidNamespace("cannot watch the internal database \(request.database)")
            }
            return .database(request.database)
        default:
            throw CommandError.failedToParse("aggregate needs a collection name or 1")
        }
    }
}
