import BSON

/// One client's connection: reads messages, runs their commands, writes replies, on its own thread.
struct ClientConnection {
    let id: Int64
    let descriptor: Int32
    let context: StoreContext

    func serve() {
        var responseId: Int32 = 1
        while let header = Socket.readFully(descriptor, count: WireCodec.headerSize) {
            let length = Int(WireCodec.int32(header[...], at: 0))
            let requestId = WireCodec.int32(header[...], at: 4)
            guard length >= WireCodec.headerSize + 5, length <= WireCodec.maxMessageSize else {
                // A length that lies leaves no way to find the next message: answer once, then hang up.
                let error = CommandError.protocolError("message length \(length) is outside 21...\(WireCodec.maxMessageSize)")
                context.log("event=bad_message connection=\(id) reason=\"\(error.message)\"")
                Socket.writeAll(descriptor, WireCodec.message(context.finish(error.reply), requestId: responseId, responseTo: requestId))
                return
            }
            guard let rest = Socket.readFully(descriptor, count: length - WireCodec.headerSize) else { return }
            responseId &+= 1
            let request: WireRequest
            do {
                request = try WireCodec.decode(header + rest)
            } catch {
                context.log("event=bad_message connection=\(id) reason=\"\(error.error.message)\"")
                let reply = context.finish(error.error.reply)
                let isQuery = WireCodec.int32(header[...], at: 12) == OpCode.query.rawValue
                let bytes = isQuery ? WireCodec.reply(reply, requestId: responseId, responseTo: requestId)
                                    : WireCodec.message(reply, requestId: responseId, responseTo: requestId)
                guard Socket.writeAll(descriptor, bytes), !error.fatal else { return }
                continue
            }
            switch request {
            case .query(let requestId, let namespace, let command):
                let reply: Document
                if namespace.hasSuffix(".$cmd") {
                    let database = String(namespace.dropLast(5))
                    reply = context.run(command, sequences: [:], database: database, connection: self)
                } else {
                    reply = context.finish(["$err": .string("OP_QUERY is only served for commands; use OP_MSG"), "code": .int32(352),
                                            "ok": 0.0])
                }
                let failed = reply["$err"] != nil
                guard Socket.writeAll(descriptor, WireCodec.reply(reply, requestId: responseId, responseTo: requestId, queryFailure: failed)) else { return }
            case .message(let requestId, let flags, let command, let sequences):
                let database = command["$db"]?.stringValue ?? "admin"
                let reply = context.run(command, sequences: sequences, database: database, connection: self)
                // moreToCome from the client: an unacknowledged write, no reply expected.
                if flags & WireCodec.moreToCome != 0 { continue }
                guard Socket.writeAll(descriptor, WireCodec.message(reply, requestId: responseId, responseTo: requestId)) else { return }
            }
        }
    }
}
