import TestSupport
import HTTP
import Net
import Testing
import WebSocket

/// Owns a started HTTPServer with one upgrade endpoint; stops it on release.
final class HTTPServerBox {
    let server: HTTPServer

    init(path: String, endpoint: WebSocketEndpoint) throws {
        server = HTTPServer(configuration: .init(port: 0, loopCount: 1))
        server.upgrade(path: path, to: endpoint)
        try server.start()
    }

    deinit { server.stop() }
}

@Suite struct HandshakeTests {
    @Test func plainGETOnTheEndpointGets426() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port, headers: ["Upgrade": nil, "Connection": nil])
        #expect(client.handshakeStatus == 426)
        #expect(client.handshakeHeaders["upgrade"] == "websocket")
    }

    @Test func wrongVersionGets426WithTheSupportedVersion() throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port, headers: ["Sec-WebSocket-Version": "8"])
        #expect(client.handshakeStatus == 426)
        #expect(client.handshakeHeaders["sec-websocket-version"] == "13")
    }

    @Test(arguments: [["Sec-WebSocket-Key": nil], ["Sec-WebSocket-Key": "short"], ["Connection": "keep-alive"]] as [[String: String?]])
    func badUpgradeRequestsGet400(headers: [String: String?]) throws {
        let server = try TestServer()
        let client = try WSTestClient(port: server.port, headers: headers)
        #expect(client.handshakeStatus == 400)
    }

    @Test func originAllowListAndTokenHook() throws {
        let configuration = WebSocketConfiguration(allowedOrigins: ["http://127.0.0.1:8080"],
                                                   authorize: { $0.query["token"] == "s3cret" })
        let endpoint = WebSocketEndpoint(configuration: configuration, onText: { $0.sendText($1) })
        let box = try HTTPServerBox(path: "/ws", endpoint: endpoint)
        let port = box.server.port
        let badOrigin = try WSTestClient(port: port, path: "/ws?token=s3cret", headers: ["Origin": "http://evil.example"])
        #expect(badOrigin.handshakeStatus == 403)
        let noToken = try WSTestClient(port: port, path: "/ws", headers: ["Origin": "http://127.0.0.1:8080"])
        #expect(noToken.handshakeStatus == 401)
        let good = try WSTestClient(port: port, path: "/ws?token=s3cret", headers: ["Origin": "http://127.0.0.1:8080"])
        #expect(good.handshakeStatus == 101)
        try good.sendText("in")
        #expect(try good.readFrame().text == "in")
    }

    @Test func framesSentWithTheUpgradeRequestAreNotLost() throws {
        let server = try TestServer()
        let socket = try BlockingSocket(port: server.port)
        let request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try socket.send(Array(request.utf8) + WSTestClient.encode(opcode: 1, payload: Array("early".utf8)))
        var received: [UInt8] = []
        while !String(decoding: received, as: UTF8.self).contains("early") {
            let chunk = try socket.receive()
            if chunk.isEmpty { break }
            received += chunk
        }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(String(decoding: received, as: UTF8.self).hasSuffix("early"))
    }
}
