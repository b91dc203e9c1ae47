import BSON

/// create, drop, dropDatabase, createIndexes, listIndexes, dropIndexes, listCollections, listDatabases.
enum CatalogCommands {
    static let all: [([String], StoreContext.Handler)] = [
        (["create"], create),
        (["drop"], drop),
        (["dropDatabase"], dropDatabase),
        (["createIndexes"], createIndexes),
        (["listIndexes"], listIndexes),
        (["dropIndexes", "deleteIndexes"], dropIndexes),
        (["listCollections"], listCollections),
        (["listDatabases"], listDatabases),
    ]

    static func create(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        let ignored: Set<String> = ["create", "writeConcern", "lsid", "$db", "$clusterTime", "txnNumber", "$readPreference",
                                    "comment", "autocommit", "startTransaction"]
        if let option = request.command.keys.first(where: { !ignored.contains($0) }) {
            throw CommandError.notImplemented("the collection option '\(option)'")
        }
        try request.engine.write { session in _ = try session.createCollection(request.database, name) }
        return [:]
    }

    static func drop(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        return try request.engine.write { session in
            guard let info = session.collection(request.database, name) else {
                throw CommandError.namespaceNotFound(request.database + "." + name)
            }
            let indexes = info.indexes.count + 1
            try session.dropCollection(info)
            return ["nIndexesWas": .int32(Int32(indexes)), "ns": .string(info.namespace)]
        }
    }

    static func dropDatabase(_ request: CommandRequest) throws -> Document {
        try request.engine.write { session in try session.dropDatabase(request.database) }
        return ["dropped": .string(request.database)]
    }

    static func createIndexes(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        guard case .array(let values)? = request.command["indexes"], !values.isEmpty else {
            throw CommandError.failedToParse("createIndexes needs a non-empty 'indexes' array")
        }
        var specifications = [Document]()
        for value in values {
            guard case .document(let specification) = value else { throw CommandError.typeMismatch("each index must be an object") }
            specifications.append(specification)
        }
        return try request.engine.write { session in
            let existed = session.collection(request.database, name)
            let before = (existed?.indexes.count ?? 0) + 1
            var created = 0
            for specification in specifications {
                if try session.createIndex(specification, in: name, database: request.database) { created += 1 }
            }
            var reply: Document = ["createdCollectionAutomatically": .bool(existed == nil),
                                   "numIndexesBefore": .int32(Int32(before)),
                                   "numIndexesAfter": .int32(Int32(before + created))]
            if created == 0 { reply.append("note", "all indexes already exist") }
            return reply
        }
    }

    static func listIndexes(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        let specs: [Document] = try request.engine.read { session in
            guard let info = session.collection(request.database, name) else {
                throw CommandError.namespaceNotFound(request.database + "." + name)
            }
            let idIndex: Document = ["v": .int32(2), "key": .document(["_id": .int32(1)]), "name": "_id_"]
            return [idIndex] + info.indexes.map(\.specification)
        }
        return try CursorReply.first(specs, namespace: request.database + "." + name, request: request)
    }

    static func dropIndexes(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        let target = request.command["index"]
        return try request.engine.write { session in
            guard let info = session.collection(request.database, name) else {
                throw CommandError.namespaceNotFound(request.database + "." + name)
            }
            let before = info.indexes.count + 1
            switch target {
            case .string("*")?:
                for index in info.indexes { try session.dropIndex(named: index.name, in: info) }
            case .string("_id_")?:
                throw CommandError(code: 72, codeName: "InvalidOptions", message: "cannot drop _id index")
            case .string(let indexName)?:
                try session.dropIndex(named: indexName, in: info)
            case .array(let names)?:
                for case .string(let indexName) in names { try session.dropIndex(named: indexName, in: info) }
            case .document(let keyPattern)?:
                guard let index = info.indexes.first(where: { $0.keyPattern == keyPattern }) else {
                    throw CommandError(code: 27, codeName: "IndexNotFound", message: "can't find index with key: \(keyPattern)")
                }
                try session.dropIndex(named: index.name, in: info)
            default:
                throw CommandError.failedToParse("dropIndexes needs 'index': a name, names, a key pattern or \"*\"")
            }
            return ["nIndexesWas": .int32(Int32(before))]
        }
    }

    static func listCollections(_ request: CommandRequest) throws -> Document {
        let filter = request.command["filter"]?.documentValue ?? Document()
        let nameOnly = request.command["nameOnly"]?.boolValue ?? false
        let matcher = try Matcher(filter: filter)
        let infos = try request.engine.read { session in session.collections(in: request.database) }
        var entries = [Document]()
        for info in infos {
            var entry: Document = ["name": .string(info.name), "type": "collection"]
            if !nameOnly {
                entry.append("options", .document([:]))
                entry.append("info", .document(["readOnly": false]))
                entry.append("idIndex", .document(["v": .int32(2), "key": .document(["_id": .int32(1)]), "name": "_id_"]))
            }
            if try matcher.check(entry) { entries.append(entry) }
        }
        return try CursorReply.first(entries, namespace: request.database + ".$cmd.listCollections", request: request)
    }

    static func listDatabases(_ request: CommandRequest) throws -> Document {
        let filter = request.command["filter"]?.documentValue ?? Document()
        let nameOnly = request.command["nameOnly"]?.boolValue ?? false
        let matcher = try Matcher(filter: filter)
        let names = try request.engine.read { session in session.databaseNames }
        var databases = [BSONValue]()
        for name in names {
            var entry: Document = ["name": .string(name)]
            if !nameOnly {
                entry.append("sizeOnDisk", .int64(0))
                entry.append("empty", false)
            }
            if try matcher.check(entry) { databases.append(.document(entry)) }
        }
        var reply: Document = ["databases": .array(databases)]
        if !nameOnly { reply.append("totalSize", .int64(0)) }
        return reply
    }
}
