/// One request as the scripted HTTP server received it.
public struct ScriptedRequest: Sendable {
    public let method: String
    /// Path and query, as sent.
    public let target: String
    /// Header names in lower case.
    public let headers: [String: String]

    public init(method: String, target: String, headers: [String: String]) {
        self.method = method
        self.target = target
        self.headers = headers
    }

    /// The target without its query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}
