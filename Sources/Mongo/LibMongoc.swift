import BSON
import CMongoc
#if canImport(Glibc)
import Glibc
#endif

/// One-time libmongoc set-up and facts about the linked libraries.
public enum LibMongoc {
    private static let initialised: Void = {
        mongoc_init()
        // libmongoc logs to stderr in its own format; forward only warnings and worse, one key=value line each.
        mongoc_log_set_handler({ level, domain, message, _ in
            guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue else { return }
            let text = "level=warn component=mongoc domain=\(domain.map { String(cString: $0) } ?? "") message=\"\(message.map { String(cString: $0) } ?? "")\"\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }, nil)
    }()

    /// Initialises libmongoc once per process; every entry point of this module calls it.
    public static func ensureInitialised() { _ = initialised }

    /// "1.23.1".
    public static var version: String { String(cString: mongoc_get_version()) }

    /// libbson's version, linked beside libmongoc.
    public static var bsonVersion: String { String(cString: bson_get_version()) }
}

/// Runs `body` with a `bson_t` reply slot that libmongoc initialises, and returns what it wrote.
///
/// A `bson_t` is 128-byte aligned, which Swift cannot declare on the stack, so the slot is heap memory.
func withReply<T>(_ body: (OpaquePointer) throws -> T) rethrows -> (T, Document) {
    let memory = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
    defer { memory.deallocate() }
    let reply = OpaquePointer(memory)
    bson_init(reply)
    let result = try body(reply)
    let document = Document(copying: reply)
    bson_destroy(reply)
    return (result, document)
}

/// Lends a possibly-absent document to a C call as a nullable `bson_t`.
func withOptionalBSON<T>(_ document: Document?, _ body: (OpaquePointer?) throws -> T) rethrows -> T {
    guard let document else { return try body(nil) }
    return try document.withBSONPointer { try body($0) }
}
