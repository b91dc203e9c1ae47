import BSON

/// find, getMore, killCursors, count, distinct, aggregate and explain.
enum ReadCommands {
    static let all: [([String], StoreContext.Handler)] = [
        (["find"], find),
        (["getMore"], getMore),
        (["killCursors"], killCursors),
        (["count"], count),
        (["distinct"], distinct),
        (["aggregate"], AggregateCommand.run),
        (["explain"], explain),
    ]

    /// Options that change results in ways the store does not implement: refused, never ignored.
    static let unsupportedFindOptions = ["min", "max", "returnKey", "showRecordId", "tailable", "awaitData", "let", "oplogReplay"]

    static func findOptions(_ command: Document) throws -> QueryOptions {
        if let option = unsupportedFindOptions.first(where: { command.contains($0) && command[$0] != .bool(false) }) {
            throw CommandError.notImplemented("the find option '\(option)'")
        }
        try rejectCollation(command)
        var options = QueryOptions()
        options.filter = try documentOption(command, "filter") ?? Document()
        options.sort = try documentOption(command, "sort")
        options.projection = try documentOption(command, "projection")
        if let skip = command["skip"] {
            guard let value = skip.int64Value, value >= 0 else { throw CommandError.badValue("skip must be a non-negative number") }
            options.skip = Int(value)
        }
        if let limit = command["limit"] {
            guard let value = limit.int64Value else { throw CommandError.badValue("limit must be a number") }
            options.limit = Int(clamping: value.magnitude)
        }
        return options
    }

    static func documentOption(_ command: Document, _ name: String) throws -> Document? {
        switch command[name] {
        case nil, .null?: return nil
        case .document(let document)?: return document
        case let other?: throw CommandError.typeMismatch("'\(name)' must be an object, not \(other.typeName)")
        }
    }

    static func rejectCollation(_ command: Document) throws {
        if let collation = command["collation"]?.documentValue, collation["locale"] != .string("simple") {
            throw CommandError.notImplemented("collation \(collation)")
        }
    }

    static func find(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        let options = try findOptions(request.command)
        let singleBatch = request.command["singleBatch"]?.boolValue == true || (request.command["limit"]?.int64Value ?? 0) < 0
        let (documents, _) = try request.engine.read { session in
            try QueryExecutor.find(session, database: request.database, collection: name, options: options)
        }
        return try CursorReply.first(documents, namespace: request.database + "." + name, request: request,
                                     batchSize: try CursorReply.batchSize(request.command["batchSize"]), singleBatch: singleBatch)
    }

    static func getMore(_ request: CommandRequest) throws -> Document {
        guard let id = request.command["getMore"]?.int64Value else { throw CommandError.typeMismatch("getMore needs a cursor id") }
        guard let name = request.command["collection"]?.stringValue else {
            throw CommandError.failedToParse("getMore needs 'collection'")
        }
        let namespace = request.database + "." + name
        let cursor = try request.context.cursors.lease(id, namespace: namespace)
        var exhausted = false
        defer { request.context.cursors.release(cursor, exhausted: exhausted) }
        let batchSize = try CursorReply.batchSize(request.command["batchSize"]).flatMap { $0 > 0 ? $0 : nil }
        switch cursor.source {
        case .documents(let documents):
            let count = CursorReply.take(documents, from: cursor.position, limit: batchSize ?? Int.max)
            let batch = Array(documents[cursor.position..<(cursor.position + count)])
            cursor.position += count
            exhausted = cursor.position >= documents.count
            return CursorReply.reply(batch, id: exhausted ? 0 : id, namespace: namespace, field: "nextBatch")
        case .changeStream(let stream):
            let wait = request.command["maxTimeMS"]?.int64Value ?? 1000
            let deadline = MonotonicClock.deadline(afterMilliseconds: wait)
            let registry = request.context.cursors
            let context = request.context
            do {
                let events = try stream.nextBatch(engine: request.engine, limit: batchSize ?? 1000, deadline: deadline,
                                                  cancelled: { registry.isKilled(id) || context.isStopped })
                exhausted = stream.invalidated
                return CursorReply.changeStream(events, cursor: stream, id: exhausted ? 0 : id, namespace: namespace, first: false)
            } catch {
                exhausted = true
                throw error
            }
        }
    }

    static func killCursors(_ request: CommandRequest) throws -> Document {
        guard case .array(let values)? = request.command["cursors"] else {
            throw CommandError.failedToParse("killCursors needs a 'cursors' array")
        }
        let ids = values.compactMap(\.int64Value)
        let (killed, missing) = request.context.cursors.kill(ids)
        if !killed.isEmpty { request.engine.wakeWaiters() }
        return [
            "cursorsKilled": .array(killed.map(BSONValue.int64)),
            "cursorsNotFound": .array(missing.map(BSONValue.int64)),
            "cursorsAlive": .array([]),
            "cursorsUnknown": .array([]),
        ]
    }

    static func count(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        try rejectCollation(request.command)
        var options = QueryOptions()
        options.filter = try documentOption(request.command, "query") ?? Document()
        options.skip = Int(max(0, request.command["skip"]?.int64Value ?? 0))
        options.limit = Int(clamping: (request.command["limit"]?.int64Value ?? 0).magnitude)
        let total: Int = try request.engine.read { session in
            if options.filter.isEmpty, options.skip == 0, options.limit == 0 {
                guard let info = session.collection(request.database, name) else { return 0 }
                return Int(try session.count(of: info))
            }
            return try QueryExecutor.find(session, database: request.database, collection: name, options: options).0.count
        }
        return ["n": .int32(Int32(clamping: total))]
    }

    static func distinct(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        try rejectCollation(request.command)
        guard let key = request.command["key"]?.stringValue, !key.isEmpty else {
            throw CommandError.failedToParse("distinct needs a 'key' string")
        }
        var options = QueryOptions()
        options.filter = try documentOption(request.command, "query") ?? Document()
        let documents = try request.engine.read { session in
            try QueryExecutor.find(session, database: request.database, collection: name, options: options).0
        }
        var values = [BSONValue]()
        var seen = Set<[UInt8]>()
        for document in documents {
            var found = [BSONValue]()
            var sawArray = false
            IndexKeyExtraction.collect(.document(document), path: key.split(separator: ".").map(String.init), index: 0,
                                       into: &found, sawArray: &sawArray)
            for value in found where value != .undefined {
                // Equal values of different numeric types count once, as in MongoDB.
                if seen.insert(IndexKeyEncoder.encode(value)).inserted { values.append(value) }
            }
        }
        let sorted = values.sorted { BSONOrder.compare($0, $1) < 0 }
        return ["values": .array(sorted)]
    }

    static func explain(_ request: CommandRequest) throws -> Document {
        guard let inner = request.command["explain"]?.documentValue, let verb = inner.keys.first else {
            throw CommandError.failedToParse("explain needs a command document")
        }
        guard verb == "find" || verb == "count" else { throw CommandError.notImplemented("explain of \(verb)") }
        guard let name = inner[verb]?.stringValue else { throw CommandError.invalidNamespace("explain needs a collection") }
        var options = try findOptions(inner)
        if verb == "count" { options.filter = try documentOption(inner, "query") ?? Document() }
        let (_, statistics) = try request.engine.read { session in
            try QueryExecutor.find(session, database: request.database, collection: name, options: options)
        }
        var winning: Document = ["stage": .string(statistics.plan.stage)]
        if let index = statistics.plan.indexName { winning.append("indexName", .string(index)) }
        return [
            "queryPlanner": .document(["namespace": .string(request.database + "." + name), "winningPlan": .document(winning)]),
            "executionStats": .document([
                "nReturned": .int32(Int32(clamping: statistics.returned)),
                "totalDocsExamined": .int64(statistics.documentsExamined),
                "totalKeysExamined": .int64(statistics.keysExamined),
            ]),
        ]
    }
}
