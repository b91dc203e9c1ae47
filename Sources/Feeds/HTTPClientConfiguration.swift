/// Timeouts, retry policy, size cap and identity of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable, Equatable {
    /// Seconds to establish the connection.
    public var connectTimeout: Double = 10
    /// Seconds for one whole attempt (connect, request, body).
    public var totalTimeout: Double = 30
    /// Attempts in all, the first included; retries only on network errors, timeouts, 5xx and 429.
    public var maxAttempts: Int = 3
    /// Delay before the first retry; doubled each time, then jittered (50–100 % of it).
    public var initialBackoff: Double = 1
    public var maxBackoff: Double = 30
    /// Longest `Retry-After` honoured; a server asking for longer makes the request fail at once.
    public var maxRetryAfter: Double = 120
    /// Largest decoded body accepted (the largest feed document, Vélib' status, is about 0.5 MB).
    public var maxResponseBytes: Int = 16 << 20
    public var userAgent: String = HTTPClientConfiguration.userAgent(version: "0.1.0")

    public init() {}

    /// `Vigie/<version> (real-time open-data dashboard; +<contact URL>)`, so API operators know who calls them.
    public static func userAgent(version: String, contact: String? = nil) -> String {
        "Vigie/\(version) (real-time open-data dashboard\(contact.map { "; +\($0)" } ?? ""))"
    }
}
