#if canImport(Glibc)
import TestSupport
import Glibc
#endif
import Foundation
import HTTP
import Net
import Testing
import WebSocket

@Suite struct HubTests {
    /// Connects to the hub endpoint and subscribes with the test protocol.
    func subscriber(_ server: TestServer, _ command: String, receiveBuffer: Int32? = nil) throws -> WSTestClient {
        let client = try WSTestClient(port: server.port, path: "/hub", receiveBuffer: receiveBuffer)
        #expect(client.handshakeStatus == 101)
        try client.sendText(command)
        #expect(try client.readFrame().text == "ok")
        return client
    }

    @Test func topicsRouteBroadcastsAndStarGetsEverythingOnce() throws {
        let server = try TestServer()
        let usgs = try subscriber(server, "sub:usgs")
        let velib = try subscriber(server, "sub:velib")
        let star = try subscriber(server, "sub:*")
        let both = try subscriber(server, "sub:usgs,velib,*")
        #expect(server.hub.subscriberCount == 4)
        #expect(server.hubEndpoint.openConnections == 4)
        server.hub.broadcast("u1", topic: "usgs")
        server.hub.broadcast("v1", topic: "velib")
        server.hub.broadcast("all", topic: "*")
        server.hub.broadcast("end", topic: "*")
        func received(_ client: WSTestClient) throws -> [String] {
            var texts: [String] = []
            while texts.last != "end" { texts.append(try client.readFrame().text) }
            return texts
        }
        #expect(try received(usgs) == ["u1", "all", "end"])
        #expect(try received(velib) == ["v1", "all", "end"])
        #expect(try received(star) == ["u1", "v1", "all", "end"])
        #expect(try received(both) == ["u1", "v1", "all", "end"])
    }

    @Test func unsubscribeStopsDelivery() throws {
        let server = try TestServer()
        let client = try subscriber(server, "sub:usgs,velib")
        try client.sendText("unsub:usgs")
        #expect(try client.readFrame().text == "ok")
        server.hub.broadcast("u", topic: "usgs")
        server.hub.broadcast("v", topic: "velib")
        #expect(try client.readFrame().text == "v")
    }

    @Test func subscribeAfterASequenceSkipsWhatTheViewerAlreadyHas() throws {
        let server = try TestServer()
        let client = try subscriber(server, "subafter:5:usgs")
        for sequence in 3...7 as ClosedRange<UInt64> {
            server.hub.broadcast("s\(sequence)", topic: "usgs", sequence: sequence)
        }
        server.hub.broadcast("unstamped", topic: "usgs")
        #expect(try client.readFrame().text == "s6")
        #expect(try client.readFrame().text == "s7")
        #expect(try client.readFrame().text == "unstamped")
    }

    @Test func broadcastsFromManyThreadsReachEverySubscriberExactlyOnce() throws {
        let server = try TestServer(loops: 2)
        let clients = try (0..<6).map { _ in try subscriber(server, "sub:*") }
        let hub = server.hub
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<50 { hub.broadcast("t\(thread)-\(index)", topic: "feed\(thread)") }
        }
        for client in clients {
            var seen: [String] = []
            for _ in 0..<200 { seen.append(try client.readFrame().text) }
            #expect(Set(seen).count == 200)
            for thread in 0..<4 {
                let mine = seen.filter { $0.hasPrefix("t\(thread)-") }
                #expect(mine == (0..<50).map { "t\(thread)-\($0)" }, "per-sender order")
            }
        }
    }

    @Test func slowViewerIsClosedWith1013AndNeverSlowsTheOthers() throws {
        let server = try TestServer(hubConfiguration: WebSocketConfiguration(maxQueuedBytes: 64 * 1024))
        let slow = try subscriber(server, "sub:*", receiveBuffer: 4096)
        let fast = try subscriber(server, "sub:*")
        let payload = String(repeating: "x", count: 4000)
        let count = 1000
        let hub = server.hub
        let fastReceived = Box<Int>()
        fastReceived.set(0)
        // The sender keeps at most a few messages ahead of the fast viewer, which therefore never
        // has more than that queued; the slow viewer reads nothing and falls behind without bound.
        let sender = Thread {
            for index in 0..<count {
                _ = fastReceived.wait(seconds: 10, until: { $0 >= index - 4 })
                hub.broadcast("\(index):" + payload, topic: "usgs")
            }
        }
        sender.start()
        for index in 0..<count {
            let frame = try fast.readFrame()
            #expect(frame.text.hasPrefix("\(index):"))
            fastReceived.set(index + 1)
        }
        // The slow viewer now reads what reached it: whole frames, then the 1013 close.
        var dataFrames = 0
        var close: ReceivedFrame?
        while close == nil {
            let frame = try slow.readFrame()
            if frame.opcode == 8 { close = frame } else { dataFrames += 1 }
        }
        #expect(close?.closeCode == 1013)
        #expect(dataFrames < count)
        #expect(server.hubEndpoint.overflowCloses == 1)
        #expect(slow.serverClosedTCP())
    }

    @Test func sendToOneConnectionFromAnotherThread() throws {
        let opened = Box<WebSocketConnection>()
        let texts = Box<[String]>()
        let endpointServer = HTTPServer(configuration: .init(port: 0, loopCount: 2))
        let endpoint = WebSocketEndpoint(onOpen: { opened.set($0) }, onText: { _, text in texts.update { ($0 ?? []) + [text] } })
        endpointServer.upgrade(path: "/ws", to: endpoint)
        try endpointServer.start()
        defer { endpointServer.stop() }
        let client = try WSTestClient(port: endpointServer.port, path: "/ws?viewer=7")
        let connection = try #require(opened.wait())
        #expect(connection.request.query["viewer"] == "7")
        DispatchQueue.global().async { connection.sendText("direct") }
        #expect(try client.readFrame().text == "direct")
        try client.sendText("from viewer")
        #expect(texts.wait(until: { $0.contains("from viewer") }) == ["from viewer"])
    }

    @Test func closedViewersLeaveTheHub() throws {
        let server = try TestServer()
        var client: WSTestClient? = try subscriber(server, "sub:usgs")
        #expect(server.hub.subscriberCount == 1)
        try client?.sendClose(code: 1000)
        _ = try client?.readClose()
        client = nil
        let deadline = Date().addingTimeInterval(5)
        while server.hub.subscriberCount != 0 && Date() < deadline { usleep(10_000) }
        #expect(server.hub.subscriberCount == 0)
    }
}
