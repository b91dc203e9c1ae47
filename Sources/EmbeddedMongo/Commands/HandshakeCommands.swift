import BSON

/// hello/isMaster, ping, buildInfo, getParameter, sessions and the small commands drivers send on connect.
enum HandshakeCommands {
    static let all: [([String], StoreContext.Handler)] = [
        (["hello", "isMaster", "ismaster"], hello),
        (["ping"], { _ in [:] }),
        (["buildInfo", "buildinfo"], { _ in buildInfo }),
        (["getParameter"], getParameter),
        (["endSessions", "killSessions", "killAllSessions", "refreshSessions"], { _ in [:] }),
        (["getLastError", "getlasterror"], { _ in ["n": .int32(0), "err": .null] }),
        (["whatsmyuri"], { _ in ["you": .string("127.0.0.1:0")] }),
        (["connectionStatus"], { _ in
            ["authInfo": .document(["authenticatedUsers": .array([]), "authenticatedUserRoles": .array([])])]
        }),
        (["replSetGetStatus"], replSetGetStatus),
        (["commitTransaction", "abortTransaction"], { _ in throw CommandError.notImplemented("multi-document transactions") }),
        // MongoDB commands this store knows but does not implement: said plainly rather than "no such command".
        (["renameCollection", "mapReduce", "collMod", "convertToCapped", "cloneCollectionAsCapped", "validate", "compact",
          "reIndex", "geoNear", "geoSearch", "createUser", "saslStart", "authenticate", "shardCollection", "replSetInitiate",
          "replSetReconfig", "fsync", "setFeatureCompatibilityVersion", "bulkWrite"], { request in
            throw CommandError.notImplemented("the '\(request.name)' command")
        }),
        (["dbStats", "dbstats"], StatisticsCommands.databaseStatistics),
        (["collStats"], StatisticsCommands.collectionStatistics),
        (["serverStatus"], serverStatus),
        (["hostInfo"], { _ in ["system": .document(["hostname": "vigie-store"]), "os": .document(["type": "Linux"])] }),
        (["getCmdLineOpts"], { _ in ["argv": .array(["vigie", "store"]), "parsed": .document([:])] }),
        (["listCommands"], { _ in
            var commands = Document()
            for name in StoreContext.handlers.keys.sorted() { commands.append(name, .document(["help": ""])) }
            return ["commands": .document(commands)]
        }),
    ]

    static let maxWireVersion: Int32 = 17
    static let version = "6.0.0"

    static func hello(_ request: CommandRequest) throws -> Document {
        let context = request.context
        // Awaitable hello: a driver that already knows this topology asks to be answered only when it changes
        // or after maxAwaitTimeMS; a single node never changes, so the answer comes after the wait.
        if let known = request.command["topologyVersion"]?.documentValue,
           known["processId"] == .objectId(context.processId),
           let wait = request.command["maxAwaitTimeMS"]?.int64Value {
            context.pause(milliseconds: min(max(wait, 0), 60_000))
        }
        let address = BSONValue.string(context.hostAndPort)
        let reply: Document = [
            "helloOk": true,
            "isWritablePrimary": true,
            "ismaster": true,
            "secondary": false,
            "setName": "rs0",
            "setVersion": .int32(1),
            "hosts": .array([address]),
            "primary": address,
            "me": address,
            "topologyVersion": .document(["processId": .objectId(context.processId), "counter": .int64(0)]),
            "electionId": .objectId(ObjectId(hex: "7fffffff0000000000000001")!),
            "lastWrite": .document([
                "opTime": .document(["ts": StoreContext.timestamp(context.engine.committedTimestamp), "t": .int64(1)]),
                "lastWriteDate": .datetime(WallClock.milliseconds),
            ]),
            "maxBsonObjectSize": .int32(16_777_216),
            "maxMessageSizeBytes": .int32(Int32(WireCodec.maxMessageSize)),
            "maxWriteBatchSize": .int32(100_000),
            "localTime": .datetime(WallClock.milliseconds),
            "logicalSessionTimeoutMinutes": .int32(30),
            "connectionId": .int32(Int32(truncatingIfNeeded: request.connectionId)),
            "minWireVersion": .int32(0),
            "maxWireVersion": .int32(maxWireVersion),
            "readOnly": false,
        ]
        return reply
    }

    static let buildInfo: Document = [
        "version": .string(version),
        "gitVersion": "vigie-embedded-store",
        "versionArray": .array([.int32(6), .int32(0), .int32(0), .int32(0)]),
        "bits": .int32(64),
        "debug": false,
        "maxBsonObjectSize": .int32(16_777_216),
        "javascriptEngine": "none",
        "storageEngines": .array(["sqlite"]),
        "modules": .array([]),
        "openssl": .document(["running": "disabled"]),
    ]

    static func getParameter(_ request: CommandRequest) throws -> Document {
        let known: [(String, BSONValue)] = [
            ("featureCompatibilityVersion", .document(["version": "6.0"])),
            ("authenticationMechanisms", .array([])),
            ("requireApiVersion", false),
            ("transactionLifetimeLimitSeconds", .int32(60)),
        ]
        var reply = Document()
        if request.command["getParameter"] == .string("*") {
            for (name, value) in known { reply.append(name, value) }
            return reply
        }
        for key in request.command.keys.dropFirst() where !key.hasPrefix("$") && key != "lsid" && key != "comment" {
            guard let value = known.first(where: { $0.0 == key })?.1 else {
                throw CommandError.invalidOptions("no option found to get: \(key)")
            }
            reply.append(key, value)
        }
        if reply.isEmpty { throw CommandError.invalidOptions("no option found to get") }
        return reply
    }

    static func replSetGetStatus(_ request: CommandRequest) throws -> Document {
        let time = StoreContext.timestamp(request.engine.committedTimestamp)
        return [
            "set": "rs0",
            "date": .datetime(WallClock.milliseconds),
            "myState": .int32(1),
            "members": .array([.document([
                "_id": .int32(0), "name": .string(request.context.hostAndPort), "health": 1.0, "state": .int32(1),
                "stateStr": "PRIMARY", "self": true, "optime": .document(["ts": time, "t": .int64(1)]),
            ])]),
        ]
    }

    static func serverStatus(_ request: CommandRequest) throws -> Document {
        let now = WallClock.milliseconds
        return [
            "host": .string(request.context.hostAndPort),
            "version": .string(version),
            "process": "vigie-store",
            "uptime": .double(Double(now - request.context.startedAt) / 1000),
            "localTime": .datetime(now),
            "repl": .document(["setName": "rs0", "isWritablePrimary": true]),
            "metrics": .document(["queryExecutor": .document([
                "scanned": .int64(request.engine.statistics.keys),
                "scannedObjects": .int64(request.engine.statistics.documents),
            ])]),
        ]
    }
}
