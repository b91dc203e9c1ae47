/// Why a GET failed for good (after any retries), naming the URL.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure; exit code 3 (network/HTTP) for all of them in the CLI.
    public enum Kind: Sendable, Equatable {
        /// Could not connect, reset, DNS, TLS...
        case network
        /// Connect or total timeout.
        case timeout
        /// A status that is not 2xx or 304 (after retries for 5xx and 429).
        case httpStatus(Int)
        /// The body exceeded the configured cap; the transfer was aborted.
        case tooLarge(limit: Int)
        /// The URL could not be used at all.
        case invalidRequest
    }

    public var kind: Kind
    public var url: String
    public var attempts: Int
    public var detail: String

    public init(kind: Kind, url: String, attempts: Int, detail: String) {
        self.kind = kind
        self.url = url
        self.attempts = attempts
        self.detail = detail
    }

    public var description: String {
        let what: String
        switch kind {
        case .network: what = "network error"
        case .timeout: what = "timed out"
        case .httpStatus(let status): what = "HTTP \(status)"
        case .tooLarge(let limit): what = "response larger than \(limit) bytes, aborted"
        case .invalidRequest: what = "invalid request"
        }
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        return "GET \(url): \(what)\(detail.isEmpty ? "" : ": \(detail)") (\(tries))"
    }
}
