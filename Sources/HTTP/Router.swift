/// Answers a request on the connection's loop thread.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse
/// Answers later, from any thread, through the responder (for handlers that block, e.g. database reads).
public typealias HTTPDeferredHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

/// Method + path routing. Paths match exactly, or by prefix when registered as "/prefix/*".
/// Register routes before the server starts; afterwards the table is only read.
public final class Router: @unchecked Sendable {
    enum Action {
        case immediate(HTTPHandler)
        case deferred(HTTPDeferredHandler)
    }

    enum Match {
        case found(Action)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private var exact: [String: [String: Action]] = [:]
    private var prefixes: [(prefix: String, methods: [String: Action])] = []

    public init() {}

    /// Routes `method` (e.g. "GET") on `path` to `handler`; GET routes also answer HEAD.
    public func add(_ method: String, _ path: String, _ handler: @escaping HTTPHandler) {
        insert(method, path, .immediate(handler))
    }

    /// Like `add`, for a handler that answers through an `HTTPResponder`, from any thread.
    public func addDeferred(_ method: String, _ path: String, _ handler: @escaping HTTPDeferredHandler) {
        insert(method, path, .deferred(handler))
    }

    private func insert(_ method: String, _ path: String, _ action: Action) {
        if path.hasSuffix("/*") {
            let prefix = String(path.dropLast())
            if let index = prefixes.firstIndex(where: { $0.prefix == prefix }) {
                prefixes[index].methods[method] = action
            } else {
                prefixes.append((prefix, [method: action]))
                prefixes.sort { $0.prefix.count > $1.prefix.count }
            }
        } else {
            exact[path, default: [:]][method] = action
        }
    }

    /// True when some route (any method) has this path.
    public func hasPath(_ path: String) -> Bool {
        exact[path] != nil || prefixes.contains { path.hasPrefix($0.prefix) }
    }

    func match(method: String, path: String) -> Match {
        let methods = exact[path] ?? prefixes.first { path.hasPrefix($0.prefix) }?.methods
        guard let methods else { return .notFound }
        if let action = methods[method] ?? (method == "HEAD" ? methods["GET"] : nil) { return .found(action) }
        var allowed = methods.keys.sorted()
        if methods["GET"] != nil && methods["HEAD"] == nil { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: allowed)
    }
}
