#if canImport(Glibc)
import Glibc
#endif
import HTTP
import Net
import WebSocket

/// `vigie ws-echo`: an RFC 6455 echo endpoint on `/` (a conformance testee), on the same server
/// code as the dashboard's `/ws`.
enum WsEchoCommand: Command {
    static let name = "ws-echo"
    static let summary = "WebSocket echo endpoint on / for conformance testing"
    static let help = """
    usage: vigie ws-echo [--listen HOST:PORT] [--loops N] [--max-message BYTES]

    Serves an RFC 6455 echo endpoint on ws://HOST:PORT/ (default 127.0.0.1:9001; port 0 picks a
    free one): every text or binary message comes back unchanged. Prints "ready ws://HOST:PORT/"
    on stdout once listening; stops cleanly on SIGINT or SIGTERM.

    options:
      --listen HOST:PORT    address to bind (default 127.0.0.1:9001)
      --loops N             event loops (default: one per core)
      --max-message BYTES   largest message accepted (default 16777216); bigger closes with 1009
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let listen = try arguments.option("--listen") ?? "127.0.0.1:9001"
        let loops = try arguments.integer("--loops", in: 1...256) ?? System.coreCount
        let maxMessage = try arguments.integer("--max-message", in: 1...(1 << 30)) ?? (16 << 20)
        try arguments.finish()
        let address: (host: String, port: Int)
        do {
            address = try Socket.parseHostPort(listen)
        } catch {
            throw CLIError.usage("vigie ws-echo: --listen: \(error)")
        }

        let signals = blockTerminationSignals()
        System.raiseOpenFileLimit(to: 1 << 20)
        let server = HTTPServer(configuration: .init(host: address.host, port: address.port, loopCount: loops))
        let endpoint = WebSocketEndpoint(
            configuration: WebSocketConfiguration(maxMessageBytes: maxMessage, maxQueuedBytes: max(4 << 20, maxMessage * 2)),
            onText: { connection, text in connection.sendText(text) },
            onBinary: { connection, bytes in connection.sendBinary(bytes) })
        server.upgrade(path: "/", to: endpoint)
        do {
            try server.start()
        } catch {
            throw CLIError(.network, "vigie ws-echo: cannot listen on \(listen): \(error)")
        }
        let ready = Array("ready ws://\(address.host):\(server.port)/\n".utf8)
        _ = ready.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        var received: Int32 = 0
        var set = signals
        sigwait(&set, &received)
        standardError("event=ws_echo_stop signal=\(received)")
        server.stop()
        return .ok
    }

    /// Blocks SIGINT/SIGTERM in this thread (and the loop threads it starts) so `sigwait` gets them.
    private static func blockTerminationSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        return set
    }
}
