#if canImport(Glibc)
import Glibc
#endif
import Dashboard
import Net

/// `vigie serve`: the dashboard server (page, REST API, live WebSocket) over the database's change stream.
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "the dashboard server: page, REST API and live WebSocket"
    static let help = """
    usage: vigie serve [--listen HOST:PORT] [--web DIR]

    Serves the dashboard page (web/), the REST API (/api/feeds, /api/readings, /api/rollups,
    /api/fetches), /healthz, /metrics, the reports under /reports/, and /ws, where every change to
    the readings and fetches collections is pushed live to the viewers. Prints
    "ready http://HOST:PORT/" on stdout once listening; stops cleanly on SIGINT or SIGTERM.

    options:
      --listen HOST:PORT   address to bind (default 127.0.0.1:8080; port 0 picks a free one)
      --web DIR            the page's directory (default ./web)

    environment: MONGODB_URI, VIGIE_DB, VIGIE_HOME (reports in $VIGIE_HOME/reports),
    VIGIE_TOKEN (when set, required as ?token= or Authorization: Bearer on every request).
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let listen = try arguments.option("--listen") ?? "127.0.0.1:8080"
        let web = try arguments.option("--web") ?? "./web"
        try arguments.finish()
        let configuration = try makeConfiguration(listen: listen, web: web)
        let signals = TerminationSignals.block()
        let server = try startServer(configuration)
        announce("ready \(server.url)")
        let received = signals.wait()
        standardError("event=serve_signal signal=\(received)")
        server.stop()
        return .ok
    }

    /// The configuration from the command line and the environment; usage errors name the option.
    static func makeConfiguration(listen: String, web: String?) throws -> DashboardConfiguration {
        let address: (host: String, port: Int)
        do {
            address = try Socket.parseHostPort(listen)
        } catch {
            throw CLIError.usage("vigie serve: --listen: \(error)")
        }
        var configuration = DashboardConfiguration(mongoURI: Environment.mongoURI)
        configuration.host = address.host
        configuration.port = address.port
        configuration.webDirectory = web
        configuration.reportsDirectory = Environment.home + "/reports"
        configuration.token = Environment.value("VIGIE_TOKEN")
        configuration.databaseName = Environment.database
        configuration.serverName = "vigie \(VigieVersion.current)"
        return configuration
    }

    /// Builds and starts the server, turning failures into one clear line and an exit code.
    static func startServer(_ configuration: DashboardConfiguration) throws -> DashboardServer {
        _ = System.raiseOpenFileLimit(to: 1 << 16)
        let server: DashboardServer
        do {
            server = try DashboardServer(configuration: configuration)
        } catch {
            throw CLIError(.usage, "vigie serve: \(error)")
        }
        do {
            try server.start()
        } catch {
            throw CLIError(.network, "vigie serve: cannot listen on \(configuration.host):\(configuration.port): \(error) (choose another address with --listen)")
        }
        return server
    }

    /// Writes one line to stdout at once (stdout may be a pipe a test or script is waiting on).
    static func announce(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
