import BSON

/// A command failure answered to the client in MongoDB's shape: `{ok: 0, errmsg, code, codeName}`.
public struct CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32
    public let codeName: String
    public let message: String
    /// Extra reply fields, e.g. `keyPattern`/`keyValue` on a duplicate key.
    public let extra: Document

    public init(code: Int32, codeName: String, message: String, extra: Document = Document()) {
        self.code = code
        self.codeName = codeName
        self.message = message
        self.extra = extra
    }

    public var description: String { "\(codeName) (\(code)): \(message)" }

    /// The reply document a driver expects for this error.
    public var reply: Document {
        var document: Document = ["ok": 0.0, "errmsg": .string(message), "code": .int32(code), "codeName": .string(codeName)]
        for (key, value) in extra { document.append(key, value) }
        return document
    }

    public static func badValue(_ message: String) -> CommandError {
        CommandError(code: 2, codeName: "BadValue", message: message)
    }

    public static func failedToParse(_ message: String) -> CommandError {
        CommandError(code: 9, codeName: "FailedToParse", message: message)
    }

    public static func typeMismatch(_ message: String) -> CommandError {
        CommandError(code: 14, codeName: "TypeMismatch", message: message)
    }

    public static func commandNotFound(_ name: String) -> CommandError {
        CommandError(code: 59, codeName: "CommandNotFound", message: "no such command: '\(name)'")
    }

    public static func immutableField(_ message: String) -> CommandError {
        CommandError(code: 66, codeName: "ImmutableField", message: message)
    }

    public static func invalidNamespace(_ message: String) -> CommandError {
        CommandError(code: 73, codeName: "InvalidNamespace", message: message)
    }

    /// An operator, stage or option this store does not implement: said plainly, never ignored.
    public static func notImplemented(_ what: String) -> CommandError {
        CommandError(code: 238, codeName: "NotImplemented", message: "\(what) is not supported by the Vigie embedded store")
    }

    public static func changeStreamHistoryLost(_ message: String) -> CommandError {
        CommandError(code: 286, codeName: "ChangeStreamHistoryLost", message: message)
    }

    public static func duplicateKey(collection: String, index: String, keyPattern: Document, keyValue: Document) -> CommandError {
        CommandError(code: 11000, codeName: "DuplicateKey",
                     message: "E11000 duplicate key error collection: \(collection) index: \(index) dup key: \(keyValue)",
                     extra: ["keyPattern": .document(keyPattern), "keyValue": .document(keyValue)])
    }
}
