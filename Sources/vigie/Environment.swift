#if canImport(Glibc)
import Glibc
#endif

/// The environment variables of DESIGN.md §3, with their defaults.
enum Environment {
    static let defaultMongoURI = "mongodb://127.0.0.1:27117/?replicaSet=rs0"

    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let text = String(cString: raw)
        return text.isEmpty ? nil : text
    }

    static var mongoURI: String { value("MONGODB_URI") ?? defaultMongoURI }
    static var database: String { value("VIGIE_DB") ?? "vigie" }
    static var home: String { value("VIGIE_HOME") ?? "./var" }
}
