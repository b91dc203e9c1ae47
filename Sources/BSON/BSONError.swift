/// Why a BSON document or Extended JSON text could not be read.
public enum BSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Bytes that are not a valid BSON document.
    case invalidBSON(String)
    /// JSON text that does not parse; the message names the position.
    case invalidJSON(String)
    /// A BSON type Vigie does not handle (deprecated symbol, DBPointer, code with scope).
    case unsupportedType(key: String, typeNumber: Int)

    public var description: String {
        switch self {
        case .invalidBSON(let reason): return "invalid BSON: \(reason)"
        case .invalidJSON(let reason): return "invalid JSON: \(reason)"
        case .unsupportedType(let key, let type): return "unsupported BSON type \(type) at '\(key)'"
        }
    }
}
