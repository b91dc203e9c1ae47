/// Why a request could not be parsed, with the status code the server answers before closing.
public enum HTTPParseError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case headersTooLarge
    case bodyTooLarge
    case unsupportedTransferEncoding
    case unsupportedVersion

    public var status: Int {
        switch self {
        case .malformed: return 400
        case .headersTooLarge: return 431
        case .bodyTooLarge: return 413
        case .unsupportedTransferEncoding: return 501
        case .unsupportedVersion: return 505
        }
    }

    public var description: String {
        switch self {
        case .malformed(let reason): return "malformed request: \(reason)"
        case .headersTooLarge: return "request header section too large"
        case .bodyTooLarge: return "request body too large"
        case .unsupportedTransferEncoding: return "transfer codings are not supported; send Content-Length"
        case .unsupportedVersion: return "only HTTP/1.0 and HTTP/1.1 are supported"
        }
    }
}
