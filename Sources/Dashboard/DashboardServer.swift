import BSON
import Dispatch
import Foundation
import HTTP
import Mongo
import Net
import WebSocket

/// `vigie serve`: the page, the REST API, `/healthz`, `/metrics` and the live `/ws`, fed by one change stream.
public final class DashboardServer: @unchecked Sendable {
    // @unchecked Sendable: every stored property is set in `init` and only read afterwards; the HTTP
    // server and watcher synchronise themselves; `start`/`stop` are called by the owner thread.
    public let configuration: DashboardConfiguration
    public let fanout: LiveFanout
    public let metrics: DashboardMetrics
    let http: HTTPServer
    let watcher: ChangeWatcher
    let api: DashboardAPI
    let access: AccessToken
    let webFiles: StaticFiles?
    let reportFiles: StaticFiles?
    private let restQueue = DispatchQueue(label: "vigie-rest", attributes: .concurrent)

    /// Checks the configuration (web directory, URI) without connecting to anything.
    public init(configuration: DashboardConfiguration) throws {
        self.configuration = configuration
        metrics = DashboardMetrics()
        fanout = LiveFanout(server: configuration.serverName, feeds: configuration.feeds.map(\.id),
                            historyEntries: configuration.historyEntries, historyBytes: configuration.historyBytes,
                            metrics: metrics)
        let restClient = try MongoClient(uri: configuration.mongoURI, serverSelectionTimeoutMS: configuration.serverSelectionTimeoutMS,
                                         appName: "vigie-serve")
        let watchClient = try MongoClient(uri: configuration.mongoURI, serverSelectionTimeoutMS: configuration.serverSelectionTimeoutMS,
                                          appName: "vigie-watch")
        api = DashboardAPI(database: try restClient.database(configuration.databaseName), feeds: configuration.feeds)
        watcher = try ChangeWatcher(database: try watchClient.database(configuration.databaseName), fanout: fanout,
                                    configuration: configuration.watcher)
        access = AccessToken(configuration.token)
        webFiles = try configuration.webDirectory.map { try StaticFiles(directory: $0) }
        if let reports = configuration.reportsDirectory {
            try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
            reportFiles = try StaticFiles(directory: reports)
        } else {
            reportFiles = nil
        }
        http = HTTPServer(configuration: .init(host: configuration.host, port: configuration.port,
                                               loopCount: configuration.loopCount))
        registerRoutes()
    }

    /// The bound port (the one picked when configured with 0).
    public var port: Int { http.port }

    /// "http://HOST:PORT/".
    public var url: String { "http://\(configuration.host):\(port)/" }

    /// Listens, then starts the watcher. Throws when the address cannot be bound.
    public func start() throws {
        try http.start()
        watcher.start()
        writeLog("event=serve_start url=\(url) epoch=\(fanout.epoch) web=\(configuration.webDirectory ?? "-") token=\(access.token != nil)")
    }

    /// Stops the watcher (saving its resume token) and the server.
    public func stop() {
        watcher.stop()
        http.stop()
        writeLog("event=serve_stop")
    }

    // MARK: routes

    private func registerRoutes() {
        let endpoint = WebSocketEndpoint(
            configuration: WebSocketConfiguration(maxMessageBytes: 64 * 1024, maxQueuedBytes: configuration.maxQueuedBytesPerViewer,
                                                  authorize: { [access] in access.allows($0) }),
            onOpen: { [fanout] in fanout.viewerOpened($0) },
            onText: { [fanout] in fanout.viewerSent($0, text: $1) },
            onClose: { [fanout] in fanout.viewerClosed($0) })
        http.upgrade(path: "/ws", to: endpoint)

        rest("/api/feeds") { [api] _ in try api.feedsJSON(nowMilliseconds: ChangeWatcher.nowMilliseconds()) }
        rest("/api/readings") { [api] in try api.readingsJSON(query: $0.query) }
        rest("/api/rollups") { [api] in try api.rollupsJSON(query: $0.query) }
        rest("/api/fetches") { [api] in try api.fetchesJSON(query: $0.query) }

        http.route("GET", "/healthz") { [self] request in
            guard access.allows(request) else { return AccessToken.refusal }
            return fanout.isDatabaseUp ? .json(200, "{\"status\":\"ok\",\"db\":\"up\"}")
                                       : .json(503, "{\"status\":\"degraded\",\"db\":\"down\"}")
        }
        http.route("GET", "/metrics") { [self] request in
            guard access.allows(request) else { return AccessToken.refusal }
            let sample = fanout.snapshot
            let text = metrics.render(viewers: sample.viewers, databaseUp: fanout.isDatabaseUp,
                                      historyEntries: sample.historyEntries, latestOffset: sample.latestOffset,
                                      connections: endpoint.openConnections, drops: endpoint.overflowCloses)
            return .text(200, text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        http.route("GET", "/api/*") { [access] request in
            guard access.allows(request) else { return AccessToken.refusal }
            return .error(404, "no such API: \(request.path) (see /api/feeds, /api/readings, /api/rollups, /api/fetches)")
        }
        http.route("GET", "/reports/*") { [self] request in
            guard access.allows(request) else { return AccessToken.refusal }
            var inside = request
            inside.path = String(request.path.dropFirst("/reports".count))
            return reportFiles?.response(for: inside) ?? .error(404, "no such report: \(request.path)")
        }
        http.route("GET", "/*") { [self] request in
            guard access.allows(request) else { return AccessToken.refusal }
            guard var response = webFiles?.response(for: request) else { return .error(404, "not found: \(request.path)") }
            if access.cameByQuery(request), let cookie = access.cookieHeader { response.headers.add(cookie.0, cookie.1) }
            return response
        }
    }

    /// A GET route answered off the loops (the queries block on the database), with the error mapping of API.md.
    private func rest(_ path: String, _ body: @escaping @Sendable (HTTPRequest) throws -> String) {
        http.routeDeferred("GET", path) { [self] request, responder in
            guard access.allows(request) else {
                responder.respond(AccessToken.refusal)
                return
            }
            restQueue.async { [self] in
                let started = Monotonic.nanoseconds()
                let response: HTTPResponse
                do {
                    response = .json(200, try body(request))
                } catch let error as BadParameter {
                    response = .json(400, error.json)
                } catch let error as MongoError where error.kind == .network || error.kind == .serverSelection {
                    response = Self.errorResponse(503, "database unavailable: \(error)")
                } catch {
                    response = Self.errorResponse(500, "\(error)")
                }
                metrics.recordRequest(status: response.status)
                let milliseconds = Double(Monotonic.nanoseconds() - started) / 1e6
                writeLog("event=http_api path=\(path) status=\(response.status) ms=\(String(format: "%.1f", milliseconds))")
                responder.respond(response)
            }
        }
    }

    static func errorResponse(_ status: Int, _ message: String) -> HTTPResponse {
        var text = "{\"error\":"
        PlainJSON.quote(message, into: &text)
        return .json(status, text + "}")
    }
}
