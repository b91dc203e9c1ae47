#if canImport(Glibc)
import Glibc
#endif
import HTTP
import Net
import WebSocket

/// The Swift side of the fan-out benchmark: the dashboard's code path (HTTPServer + WebSocket
/// endpoint + Hub). Viewers connect to "/" and are subscribed to everything; every text message
/// from the connection opened with "/?role=sender" is broadcast to all viewers.
enum FanoutServer {
    static func run(_ words: [String]) throws -> Int32 {
        let options = try BenchOptions(words, allowed: ["listen", "loops"])
        let address = try Socket.parseHostPort(options.string("listen", default: "127.0.0.1:0"))
        let loops = try options.integers("loops", default: [System.coreCount])[0]
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        System.raiseOpenFileLimit(to: 1 << 20)

        let hub = Hub()
        let server = HTTPServer(configuration: .init(host: address.host, port: address.port, loopCount: loops))
        let endpoint = WebSocketEndpoint(
            onOpen: { connection in
                if connection.request.query["role"] != "sender" { hub.subscribe(connection, to: [Hub.allTopics]) }
            },
            onText: { connection, text in
                if connection.request.query["role"] == "sender" { hub.broadcast(text, topic: "bench") }
            })
        server.upgrade(path: "/", to: endpoint)
        try server.start()
        let ready = Array("ready ws://\(address.host):\(server.port)/\n".utf8)
        _ = ready.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        var received: Int32 = 0
        sigwait(&signals, &received)
        server.stop()
        return 0
    }
}
