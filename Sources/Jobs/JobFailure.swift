/// Why a job failed, classified as the CLI's exit codes are (DESIGN.md §3), with one clear line of text.
public struct JobFailure: Error, Sendable, CustomStringConvertible {
    /// The class of failure; each maps to one exit code.
    public enum Kind: Sendable, Equatable {
        /// Bad arguments or configuration (exit 2).
        case usage
        /// Network or HTTP failure (exit 3).
        case network
        /// The payload cannot be used: not JSON, schema drift (exit 4).
        case payload
        /// The database is unreachable or refused a write (exit 5).
        case database
        /// Anything else (exit 1): a file that cannot be written, a missing tool.
        case other
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The process exit code of DESIGN.md §3.
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 2
        case .network: return 3
        case .payload: return 4
        case .database: return 5
        case .other: return 1
        }
    }
}
