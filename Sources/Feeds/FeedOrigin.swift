import Foundation

/// `scheme://host[:port]` replacing a feed's real origin, so a fixture server answers on the real paths.
public struct FeedOrigin: Sendable, Equatable, CustomStringConvertible {
    /// Normalised text, without a trailing slash.
    public let text: String

    /// Accepts `http(s)://host[:port]` with an optional trailing "/"; anything with a path, query or
    /// credentials is refused, since only the origin is replaced.
    public init(parsing raw: String) throws(FeedOriginError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = text.range(of: "://") else { throw FeedOriginError(value: raw, reason: "missing scheme (http:// or https://)") }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw FeedOriginError(value: raw, reason: "scheme must be http or https")
        }
        var authority = text[schemeEnd.upperBound...]
        if authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.isEmpty else { throw FeedOriginError(value: raw, reason: "missing host") }
        if authority.contains("/") || authority.contains("?") || authority.contains("#") {
            throw FeedOriginError(value: raw, reason: "only scheme://host[:port] is allowed; the feed keeps its own path and query")
        }
        if authority.contains("@") { throw FeedOriginError(value: raw, reason: "credentials are not allowed in the origin") }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let port = authority[authority.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw FeedOriginError(value: raw, reason: "invalid port \"\(port)\"")
            }
        }
        self.text = scheme + "://" + authority
    }

    public var description: String { text }
}

/// Why a string is not usable as a feed origin override.
public struct FeedOriginError: Error, Sendable, Equatable, CustomStringConvertible {
    public let value: String
    public let reason: String

    public var description: String { "invalid origin \"\(value)\": \(reason)" }
}
