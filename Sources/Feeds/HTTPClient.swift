import CCurl
import Foundation

/// Blocking HTTP GET over libcurl with timeouts, retries (exponential backoff with jitter, `Retry-After`),
/// gzip, conditional requests and a response size cap. One curl handle per attempt, so it is freely shared.
public struct HTTPClient: Sendable {
    public var configuration: HTTPClientConfiguration
    /// Waits between attempts; injected by tests so they do not really wait.
    public var sleep: @Sendable (Double) -> Void
    /// A number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double
    /// Receives one `key=value` line per retry.
    public var log: @Sendable (String) -> Void

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
                sleep: @escaping @Sendable (Double) -> Void = { seconds in
                    if seconds > 0 { usleep(useconds_t(min(seconds, 3600) * 1_000_000)) }
                },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                log: @escaping @Sendable (String) -> Void = { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }) {
        self.configuration = configuration
        self.sleep = sleep
        self.random = random
        self.log = log
    }

    /// GETs `request.url`. Returns 2xx and 304 responses; throws for everything else once retries are spent.
    public func get(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let outcome = CurlTransfer.perform(request, configuration: configuration)
            let retryDelay: Double
            switch outcome {
            case .response(let status, let headers, let body):
                if (200..<300).contains(status) || status == 304 {
                    return HTTPResponse(url: request.url, status: status, headers: headers, body: body, attempts: attempt)
                }
                let failure = HTTPClientError(kind: .httpStatus(status), url: request.url, attempts: attempt,
                                              detail: Self.excerpt(of: body))
                guard status == 429 || status >= 500, attempt < configuration.maxAttempts else { throw failure }
                if let retryAfter = headers["retry-after"].flatMap({ Self.retryAfterSeconds($0, now: Date()) }) {
                    guard retryAfter <= configuration.maxRetryAfter else {
                        var refused = failure
                        refused.detail = "server asks to retry after \(Int(retryAfter)) s, more than the "
                            + "\(Int(configuration.maxRetryAfter)) s allowed" + (failure.detail.isEmpty ? "" : "; \(failure.detail)")
                        throw refused
                    }
                    retryDelay = retryAfter
                } else {
                    retryDelay = backoff(afterAttempt: attempt)
                }
                log("event=http_retry url=\(request.url) attempt=\(attempt) status=\(status) delay_s=\(Self.format(retryDelay))")
            case .failure(let kind, let detail):
                let failure = HTTPClientError(kind: kind, url: request.url, attempts: attempt, detail: detail)
                guard kind == .network || kind == .timeout, attempt < configuration.maxAttempts else { throw failure }
                retryDelay = backoff(afterAttempt: attempt)
                log("event=http_retry url=\(request.url) attempt=\(attempt) error=\"\(detail)\" delay_s=\(Self.format(retryDelay))")
            }
            sleep(retryDelay)
        }
    }

    /// Convenience: GET a URL unconditionally.
    public func get(_ url: String) throws(HTTPClientError) -> HTTPResponse {
        try get(HTTPRequest(url: url))
    }

    /// initial × 2^(attempt-1), capped, then scaled into 50–100 % so many clients do not retry in step.
    func backoff(afterAttempt attempt: Int) -> Double {
        let exponential = configuration.initialBackoff * pow(2, Double(max(0, attempt - 1)))
        let capped = min(configuration.maxBackoff, exponential)
        return capped * (0.5 + 0.5 * min(max(random(), 0), 1))
    }

    /// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); nil when unreadable.
    static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return Double(seconds) }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    private static func excerpt(of body: Data) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(160), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "" : "body starts \"\(text)\""
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }
}
