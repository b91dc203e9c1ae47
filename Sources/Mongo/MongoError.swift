import BSON
import CMongoc

/// A failure from MongoDB or libmongoc, with the server's code and codeName when the server answered.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that react differently (retry, report, give up).
    public enum Kind: Sendable, Equatable {
        /// No suitable server within the server selection timeout (down, wrong URI, not a replica set).
        case serverSelection
        /// A connection failed or timed out while talking to a server.
        case network
        /// The server answered `ok: 0` or a write error.
        case server
        /// The call was refused before reaching the server (bad URI, bad name, bad argument).
        case invalidArgument
        /// A change stream's resume point is gone (code 286).
        case historyLost
    }

    public let kind: Kind
    /// The server's error code (11000 duplicate key, 286 history lost, ...) or libmongoc's own code.
    public let code: Int32
    public let codeName: String?
    public let message: String
    /// Per-document write errors of an unordered or ordered multi-document write.
    public let writeErrors: [WriteError]

    public init(kind: Kind, code: Int32 = 0, codeName: String? = nil, message: String, writeErrors: [WriteError] = []) {
        self.kind = kind
        self.code = code
        self.codeName = codeName
        self.message = message
        self.writeErrors = writeErrors
    }

    /// True for E11000: a unique index rejected the write.
    public var isDuplicateKey: Bool { code == 11000 || (!writeErrors.isEmpty && writeErrors.allSatisfy(\.isDuplicateKey)) }

    public var description: String {
        var text = message
        if let codeName { text += " (\(codeName), code \(code))" }
        if !writeErrors.isEmpty { text += "; \(writeErrors.count) write error(s), first: \(writeErrors[0].message)" }
        return text
    }

    /// Builds an error from libmongoc's `bson_error_t` and, when there is one, the server's reply.
    init(_ error: bson_error_t, reply: Document? = nil, uri: String? = nil) {
        let text = errorMessage(error)
        let serverCode = reply?["code"]?.int64Value.map(Int32.init(truncatingIfNeeded:))
        let writeErrors = reply?["writeErrors"]?.arrayValue?.compactMap { $0.documentValue.map(WriteError.init) } ?? []
        let code = serverCode ?? writeErrors.first?.code ?? Int32(bitPattern: error.code)
        let kind: Kind
        switch Int(error.domain) {
        case Int(MONGOC_ERROR_SERVER_SELECTION.rawValue):
            kind = .serverSelection
        case Int(MONGOC_ERROR_STREAM.rawValue), Int(MONGOC_ERROR_PROTOCOL.rawValue):
            kind = .network
        case Int(MONGOC_ERROR_SERVER.rawValue), Int(MONGOC_ERROR_WRITE_CONCERN.rawValue), Int(MONGOC_ERROR_QUERY.rawValue),
             Int(MONGOC_ERROR_COLLECTION.rawValue), Int(MONGOC_ERROR_CURSOR.rawValue):
            kind = code == 286 ? .historyLost : .server
        case Int(MONGOC_ERROR_COMMAND.rawValue):
            kind = .invalidArgument
        default:
            kind = code == 286 ? .historyLost : .server
        }
        let where_ = uri.map { " (\(redact($0)))" } ?? ""
        self.init(kind: kind, code: code, codeName: reply?["codeName"]?.stringValue,
                  message: text + (kind == .serverSelection || kind == .network ? where_ : ""), writeErrors: writeErrors)
    }
}

/// One document's failure inside a multi-document write.
public struct WriteError: Sendable {
    /// Position of the failing document or operation in the batch.
    public let index: Int
    public let code: Int32
    public let message: String
    /// For duplicate keys: the index key pattern and the colliding values.
    public let keyValue: Document?

    public var isDuplicateKey: Bool { code == 11000 }

    init(_ document: Document) {
        index = Int(document["index"]?.int64Value ?? -1)
        code = Int32(truncatingIfNeeded: document["code"]?.int64Value ?? 0)
        message = document["errmsg"]?.stringValue ?? "write error"
        keyValue = document["keyValue"]?.documentValue
    }
}

/// A URI without its password, for messages and logs.
func redact(_ uri: String) -> String {
    let characters = Array(uri)
    guard let schemeEnd = uri.firstRange(of: "://")?.upperBound else { return uri }
    let start = uri.distance(from: uri.startIndex, to: schemeEnd)
    guard let at = characters[start...].firstIndex(of: "@"),
          let colon = characters[start..<at].firstIndex(of: ":") else { return uri }
    return String(characters[..<(colon + 1)]) + "***" + String(characters[at...])
}
