import EmbeddedMongo
#if canImport(Glibc)
import Glibc
#endif

/// `vigie store`: runs the embedded MongoDB-compatible store until SIGINT or SIGTERM.
enum StoreCommand: Command {
    static let name = "store"
    static let summary = "run the embedded MongoDB-compatible store (replica set rs0)"
    static let help = """
    usage: vigie store [--listen HOST:PORT] [--dbpath DIR] [--oplog-entries N] [--oplog-hours H] [--sync full|normal]

    Runs the embedded store: MongoDB's wire protocol over SQLite, reporting itself as the primary of replica
    set rs0 so drivers allow change streams. Prints "ready mongodb://HOST:PORT/?replicaSet=rs0" on stdout
    once it accepts connections; logs key=value lines to stderr; stops cleanly on SIGINT or SIGTERM.

    options:
      --listen HOST:PORT   address to listen on (default 127.0.0.1:27117; port 0 picks a free one).
                           There is no authentication: any other address than loopback is a risk.
      --dbpath DIR         data directory (default $VIGIE_HOME/store, i.e. ./var/store)
      --oplog-entries N    change-stream history kept, in entries (default 1000000)
      --oplog-hours H      change-stream history kept, in hours (default 24)
      --sync full|normal   full (default): every acknowledged write is fsynced and survives a power cut;
                           normal: fsync at checkpoints only; acknowledged writes survive kill -9 of the
                           store but not a power cut (lower latency on slow disks)

    example:
      vigie store --listen 127.0.0.1:27117 --dbpath var/store
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let listen = try arguments.option("--listen") ?? "127.0.0.1:27117"
        let dbPath = try arguments.option("--dbpath") ?? Environment.home + "/store"
        let entries = try arguments.integer("--oplog-entries", in: 1...1_000_000_000) ?? 1_000_000
        let hours = try arguments.integer("--oplog-hours", in: 1...87_600) ?? 24
        let syncText = try arguments.option("--sync") ?? "full"
        guard let durability = StoreDurability(rawValue: syncText) else {
            throw CLIError.usage("vigie store: --sync takes full or normal, not '\(syncText)'")
        }
        try arguments.finish()
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65_535).contains(port), colon != listen.startIndex else {
            throw CLIError.usage("vigie store: --listen takes HOST:PORT, e.g. 127.0.0.1:27117, not '\(listen)'")
        }
        let host = String(listen[..<colon])
        let configuration = StoreConfiguration(dbPath: dbPath, host: host, port: port,
                                               oplogLimits: OplogLimits(maxEntries: Int64(entries), maxAgeSeconds: Int64(hours) * 3600),
                                               durability: durability,
                                               log: { line in standardError("component=store " + line) })
        if !configuration.isLoopback {
            standardError("component=store event=warning reason=\"listening on \(host), not loopback: the store has no authentication\"")
        }
        // Block the stop signals before any thread starts, so every thread inherits the mask and this one
        // receives them through sigwait.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let server: StoreServer
        let boundPort: Int
        do {
            server = try StoreServer(configuration: configuration)
            boundPort = try server.start()
        } catch let error as CommandError {
            throw CLIError(.database, "vigie store: cannot start on \(listen) with --dbpath \(dbPath): \(error.message)")
        } catch {
            throw CLIError(.database, "vigie store: cannot start on \(listen) with --dbpath \(dbPath): \(error)")
        }
        print("ready mongodb://\(host):\(boundPort)/?replicaSet=rs0")
        fflush(nil) // every stream: the ready line must reach a pipe now, not at exit
        standardError("component=store event=ready host=\(host) port=\(boundPort) dbpath=\(dbPath) sync=\(durability.rawValue)")
        var received: Int32 = 0
        sigwait(&signals, &received)
        standardError("component=store event=stopping signal=\(received == SIGINT ? "SIGINT" : "SIGTERM")")
        server.stop()
        standardError("component=store event=stopped")
        return .ok
    }
}
