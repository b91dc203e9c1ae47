import BSON

/// Store-specific failures, in MongoDB's codes and names.
extension CommandError {
    static func internalError(_ message: String) -> CommandError {
        CommandError(code: 1, codeName: "InternalError", message: message)
    }

    static let shuttingDown = CommandError(code: 91, codeName: "ShutdownInProgress", message: "the store is shutting down")

    static func namespaceNotFound(_ namespace: String) -> CommandError {
        CommandError(code: 26, codeName: "NamespaceNotFound", message: "ns not found: \(namespace)")
    }

    static func namespaceExists(_ namespace: String) -> CommandError {
        CommandError(code: 48, codeName: "NamespaceExists", message: "Collection \(namespace) already exists.")
    }

    static func cursorNotFound(_ id: Int64) -> CommandError {
        CommandError(code: 43, codeName: "CursorNotFound", message: "cursor id \(id) not found")
    }

    static func indexNotFound(_ name: String) -> CommandError {
        CommandError(code: 27, codeName: "IndexNotFound", message: "index not found with name [\(name)]")
    }

    static func invalidOptions(_ message: String) -> CommandError {
        CommandError(code: 72, codeName: "InvalidOptions", message: message)
    }

    static func documentTooLarge(_ size: Int) -> CommandError {
        CommandError(code: 10334, codeName: "BSONObjectTooLarge", message: "object to insert too large: \(size) bytes")
    }

    static func invalidResumeToken(_ message: String) -> CommandError {
        CommandError(code: 260, codeName: "InvalidResumeToken", message: message)
    }

    static func invalidBSON(_ message: String) -> CommandError {
        CommandError(code: 22, codeName: "InvalidBSON", message: message)
    }

    static func protocolError(_ message: String) -> CommandError {
        CommandError(code: 17, codeName: "ProtocolError", message: message)
    }
}
