import BSON

/// The MongoDB wire protocol opcodes the store reads or writes.
enum OpCode: Int32 {
    case reply = 1
    case query = 2004
    case compressed = 2012
    case message = 2013
}

/// A request decoded from the wire.
enum WireRequest {
    /// Legacy OP_QUERY: only commands on `db.$cmd` (the handshake) are served.
    case query(requestId: Int32, namespace: String, command: Document)
    /// OP_MSG: the body, and the kind-1 document sequences by identifier (kept apart: folding thousands of
    /// documents into the body would copy each one again).
    case message(requestId: Int32, flags: UInt32, command: Document, sequences: [String: [Document]])
}

/// Why a message could not be decoded; `requestId` is set when a reply can still be addressed.
struct WireError: Error {
    let requestId: Int32?
    let error: CommandError
    /// True when the stream can no longer be trusted (the connection is closed after replying).
    let fatal: Bool
}

/// Reads and writes wire-protocol messages (little-endian header: length, requestID, responseTo, opCode).
enum WireCodec {
    static let headerSize = 16
    static let maxMessageSize = 48_000_000

    static let checksumPresent: UInt32 = 1 << 0
    static let moreToCome: UInt32 = 1 << 1
    static let exhaustAllowed: UInt32 = 1 << 16

    static func int32(_ bytes: ArraySlice<UInt8>, at offset: Int) -> Int32 {
        let base = bytes.startIndex + offset
        return Int32(bitPattern: UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24)
    }

    /// Decodes one complete message (header included).
    static func decode(_ message: [UInt8]) throws(WireError) -> WireRequest {
        let bytes = message[...]
        let requestId = int32(bytes, at: 4)
        let opCode = int32(bytes, at: 12)
        switch OpCode(rawValue: opCode) {
        case .query:
            return try decodeQuery(bytes, requestId: requestId)
        case .message:
            return try decodeMessage(bytes, requestId: requestId)
        case .compressed:
            throw WireError(requestId: requestId, error: .protocolError("OP_COMPRESSED is not supported (no compressor was negotiated)"), fatal: true)
        default:
            throw WireError(requestId: requestId, error: .protocolError("unsupported opcode \(opCode)"), fatal: true)
        }
    }

    private static func decodeQuery(_ bytes: ArraySlice<UInt8>, requestId: Int32) throws(WireError) -> WireRequest {
        var offset = headerSize + 4 // flags
        guard let terminator = bytes[(bytes.startIndex + offset)...].firstIndex(of: 0) else {
            throw WireError(requestId: requestId, error: .protocolError("OP_QUERY namespace is not terminated"), fatal: true)
        }
        let namespace = String(decoding: bytes[(bytes.startIndex + offset)..<terminator], as: UTF8.self)
        offset = terminator - bytes.startIndex + 1 + 8 // numberToSkip, numberToReturn
        let (document, _) = try readDocument(bytes, at: offset, requestId: requestId)
        var command = document
        // Legacy drivers may wrap the command with read preference: {$query: {...}, $readPreference: ...}.
        if let inner = command["$query"]?.documentValue ?? command["query"]?.documentValue, command.keys.first?.hasPrefix("$") == true || command.keys.first == "query" {
            command = inner
        }
        return .query(requestId: requestId, namespace: namespace, command: command)
    }

    private static func decodeMessage(_ bytes: ArraySlice<UInt8>, requestId: Int32) throws(WireError) -> WireRequest {
        guard bytes.count >= headerSize + 5 else {
            throw WireError(requestId: requestId, error: .protocolError("OP_MSG too short"), fatal: true)
        }
        let flags = UInt32(bitPattern: int32(bytes, at: headerSize))
        // Bits 0-15 are required: a flag the store does not know must fail the message.
        let known = checksumPresent | moreToCome
        if flags & 0xFFFF & ~known != 0 {
            throw WireError(requestId: requestId, error: .protocolError("OP_MSG has unknown required flag bits \(flags & 0xFFFF & ~known)"), fatal: true)
        }
        var end = bytes.count
        if flags & checksumPresent != 0 {
            end -= 4
            guard end > headerSize + 4 else {
                throw WireError(requestId: requestId, error: .protocolError("OP_MSG too short for its checksum"), fatal: true)
            }
            let expected = UInt32(bitPattern: int32(bytes, at: end))
            let actual = CRC32C.checksum(bytes[bytes.startIndex..<(bytes.startIndex + end)])
            guard expected == actual else {
                throw WireError(requestId: requestId, error: .protocolError("OP_MSG checksum mismatch"), fatal: true)
            }
        }
        var offset = headerSize + 4
        var body: Document?
        var sequences = [String: [Document]]()
        while offset < end {
            let kind = bytes[bytes.startIndex + offset]
            offset += 1
            switch kind {
            case 0:
                guard body == nil else {
                    throw WireError(requestId: requestId, error: .protocolError("OP_MSG has two body sections"), fatal: true)
                }
                let (document, next) = try readDocument(bytes, at: offset, limit: end, requestId: requestId)
                body = document
                offset = next
            case 1:
                guard offset + 4 <= end else {
                    throw WireError(requestId: requestId, error: .protocolError("OP_MSG document sequence truncated"), fatal: true)
                }
                let size = Int(int32(bytes, at: offset))
                let sectionEnd = offset + size
                guard size >= 5, sectionEnd <= end else {
                    throw WireError(requestId: requestId, error: .protocolError("OP_MSG document sequence size \(size) is out of bounds"), fatal: true)
                }
                var cursor = offset + 4
                guard let terminator = bytes[(bytes.startIndex + cursor)..<(bytes.startIndex + sectionEnd)].firstIndex(of: 0) else {
                    throw WireError(requestId: requestId, error: .protocolError("OP_MSG sequence identifier is not terminated"), fatal: true)
                }
                let identifier = String(decoding: bytes[(bytes.startIndex + cursor)..<terminator], as: UTF8.self)
                cursor = terminator - bytes.startIndex + 1
                var documents = [Document]()
                while cursor < sectionEnd {
                    let (document, next) = try readDocument(bytes, at: cursor, limit: sectionEnd, requestId: requestId)
                    documents.append(document)
                    cursor = next
                }
                guard sequences[identifier] == nil else {
                    throw WireError(requestId: requestId, error: .protocolError("OP_MSG has two sequences named '\(identifier)'"), fatal: false)
                }
                sequences[identifier] = documents
                offset = sectionEnd
            default:
                throw WireError(requestId: requestId, error: .protocolError("OP_MSG section kind \(kind) is unknown"), fatal: true)
            }
        }
        guard let command = body else {
            throw WireError(requestId: requestId, error: .protocolError("OP_MSG has no body section"), fatal: true)
        }
        for identifier in sequences.keys where command.contains(identifier) {
            throw WireError(requestId: requestId, error: .protocolError("OP_MSG field '\(identifier)' is both in the body and a sequence"), fatal: false)
        }
        return .message(requestId: requestId, flags: flags, command: command, sequences: sequences)
    }

    private static func readDocument(_ bytes: ArraySlice<UInt8>, at offset: Int, limit: Int? = nil,
                                     requestId: Int32) throws(WireError) -> (Document, Int) {
        let end = limit ?? bytes.count
        guard offset + 4 <= end else {
            throw WireError(requestId: requestId, error: .invalidBSON("document truncated"), fatal: true)
        }
        let size = Int(int32(bytes, at: offset))
        guard size >= 5, offset + size <= end else {
            throw WireError(requestId: requestId, error: .invalidBSON("document length \(size) is out of bounds"), fatal: true)
        }
        let start = bytes.startIndex + offset
        if NestingDepth.exceedsLimit(bytes, start: start, end: start + size) {
            throw WireError(requestId: requestId, error: .invalidBSON("document nests deeper than \(NestingDepth.limit) levels"), fatal: false)
        }
        do {
            return (try Document(bytes: Array(bytes[start..<(start + size)])), offset + size)
        } catch {
            // The framing is intact, so the connection can go on after this error reply.
            throw WireError(requestId: requestId, error: .invalidBSON("\(error)"), fatal: false)
        }
    }

    // MARK: Replies

    static func header(length: Int, requestId: Int32, responseTo: Int32, opCode: OpCode) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for value in [Int32(length), requestId, responseTo, opCode.rawValue] { appendInt32(value, to: &bytes) }
        return bytes
    }

    static func appendInt32(_ value: Int32, to bytes: inout [UInt8]) {
        let raw = UInt32(bitPattern: value)
        bytes.append(UInt8(raw & 0xFF))
        bytes.append(UInt8(raw >> 8 & 0xFF))
        bytes.append(UInt8(raw >> 16 & 0xFF))
        bytes.append(UInt8(raw >> 24))
    }

    /// OP_MSG with one body section.
    static func message(_ document: Document, requestId: Int32, responseTo: Int32, flags: UInt32 = 0) -> [UInt8] {
        let body = document.bytes
        var bytes = header(length: headerSize + 5 + body.count, requestId: requestId, responseTo: responseTo, opCode: .message)
        appendInt32(Int32(bitPattern: flags), to: &bytes)
        bytes.append(0)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// OP_REPLY with one document (the legacy handshake answer).
    static func reply(_ document: Document, requestId: Int32, responseTo: Int32, queryFailure: Bool = false) -> [UInt8] {
        let body = document.bytes
        var bytes = header(length: headerSize + 20 + body.count, requestId: requestId, responseTo: responseTo, opCode: .reply)
        appendInt32(queryFailure ? 2 : 0, to: &bytes) // responseFlags: QueryFailure
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0]) // cursorID
        appendInt32(0, to: &bytes) // startingFrom
        appendInt32(1, to: &bytes) // numberReturned
        bytes.append(contentsOf: body)
        return bytes
    }
}
