import BSON

/// What every connection shares: the storage engine, open cursors, the advertised address, and the dispatch.
final class StoreContext: @unchecked Sendable {
    // `state` guards `address` and `stopped`; its condition ends awaitable hellos early when the store stops.
    private let state = ConditionLock()
    private var address = "127.0.0.1:0"
    private var stopped = false

    let engine: StorageEngine
    let cursors: CursorRegistry
    let configuration: StoreConfiguration
    let startedAt = WallClock.milliseconds
    /// Identifies this process's topology for awaitable hello (changes at every start).
    let processId = ObjectId()

    init(engine: StorageEngine, configuration: StoreConfiguration) {
        self.engine = engine
        self.configuration = configuration
        cursors = CursorRegistry()
    }

    func setAddress(host: String, port: Int) {
        state.withLock { address = "\(host):\(port)" }
    }

    var hostAndPort: String { state.withLock { address } }

    var isStopped: Bool { state.withLock { stopped } }

    func stopping() {
        state.withLock {
            stopped = true
            state.broadcast()
        }
        cursors.killAll()
        engine.wakeWaiters()
    }

    /// Sleeps up to `milliseconds`, returning early when the store stops (awaitable hello).
    func pause(milliseconds: Int64) {
        let deadline = MonotonicClock.deadline(afterMilliseconds: milliseconds)
        state.withLock {
            while !stopped, MonotonicClock.now < deadline { _ = state.wait(untilMonotonic: deadline) }
        }
    }

    func log(_ line: String) {
        configuration.log?(line)
    }

    /// Runs one command and returns its reply, errors included, in MongoDB's shape.
    func run(_ command: Document, sequences: [String: [Document]], database: String, connection: ClientConnection) -> Document {
        guard let name = command.keys.first else {
            return finish(CommandError.failedToParse("empty command document").reply)
        }
        let request = CommandRequest(command: command, sequences: sequences, name: name, database: database, connectionId: connection.id, context: self)
        let started = MonotonicClock.now
        defer {
            let milliseconds = (MonotonicClock.now - started) / 1_000_000
            // A change stream's getMore waits on purpose; anything else this slow deserves a line.
            if milliseconds >= 500, name != "getMore", name != "hello", name != "isMaster", name != "ismaster" {
                log("event=slow_command command=\(name) db=\(database) ms=\(milliseconds) connection=\(connection.id)")
            }
        }
        do {
            guard let handler = Self.handlers[name] else { throw CommandError.commandNotFound(name) }
            // Running a transaction's statements one by one would be a silently wrong answer: refuse them.
            if command["startTransaction"] != nil || command["autocommit"] != nil {
                throw CommandError.notImplemented("multi-document transactions")
            }
            var reply = try handler(request)
            if !reply.contains("ok") { reply.append("ok", 1.0) }
            return finish(reply)
        } catch let error as CommandError {
            if error.code == 1 { log("event=command_error command=\(name) code=\(error.code) reason=\"\(error.message)\"") }
            return finish(error.reply)
        } catch {
            log("event=command_error command=\(name) reason=\"\(error)\"")
            return finish(CommandError.internalError("\(error)").reply)
        }
    }

    /// Adds the replica-set fields every reply carries: `$clusterTime` and `operationTime`.
    func finish(_ reply: Document) -> Document {
        let time = Self.timestamp(engine.committedTimestamp)
        var result = reply
        result.append("$clusterTime", .document([
            "clusterTime": time,
            "signature": .document(["hash": .binary(subtype: 0, data: [UInt8](repeating: 0, count: 20)), "keyId": .int64(0)]),
        ]))
        result.append("operationTime", time)
        return result
    }

    static func timestamp(_ value: Int64) -> BSONValue {
        .timestamp(seconds: UInt32(truncatingIfNeeded: value >> 32), increment: UInt32(truncatingIfNeeded: value))
    }

    static func timestampValue(_ value: BSONValue) -> Int64? {
        guard case .timestamp(let seconds, let increment) = value else { return nil }
        return Int64(seconds) << 32 | Int64(increment)
    }

    typealias Handler = @Sendable (CommandRequest) throws -> Document

    /// Every command the store answers, by the exact name drivers send.
    static let handlers: [String: Handler] = {
        var table = [String: Handler]()
        for (names, handler) in HandshakeCommands.all + WriteCommands.all + ReadCommands.all + CatalogCommands.all {
            for name in names { table[name] = handler }
        }
        return table
    }()
}
