import BSON
@testable import Dashboard
import Foundation
import Testing

/// The live path without a database: a real server and raw WebSocket viewers, with broadcasts
/// published straight into the fan-out (as the watcher would).
@Suite(.serialized)
struct FanoutTests {
    /// A server whose database is unreachable (its watcher keeps retrying; viewers are told "down").
    static func startServer(historyEntries: Int = 10_000, token: String? = nil, maxQueuedBytes: Int = 4 << 20) throws -> DashboardServer {
        var configuration = DashboardConfiguration(mongoURI: "mongodb://127.0.0.1:9/?replicaSet=rs0")
        configuration.maxQueuedBytesPerViewer = maxQueuedBytes
        configuration.port = 0
        configuration.historyEntries = historyEntries
        configuration.token = token
        configuration.serverSelectionTimeoutMS = 300
        configuration.serverName = "vigie test"
        let server = try DashboardServer(configuration: configuration)
        try server.start()
        return server
    }

    static func reading(_ number: Int, feed: String = "usgs") -> DatabaseChange {
        .reading(ReadingChange(feed: feed, operation: .insert,
                               document: ["_id": .int64(Int64(number)), "feed": .string(feed), "key": .string("k\(number)")]))
    }

    /// Connects, reads hello, subscribes; returns the viewer and the epoch.
    static func subscribe(_ server: DashboardServer, feeds: [String] = ["*"], since: (String, Int)? = nil) throws -> (TestViewer, String) {
        let viewer = try TestViewer(port: server.port)
        let hello = try #require(viewer.next(type: "hello"), "no hello")
        let epoch = try #require(hello["epoch"] as? String)
        let position: Any = since.map { ["epoch": $0.0, "offset": $0.1] as [String: Any] } ?? NSNull()
        try viewer.send(json: ["type": "subscribe", "feeds": feeds, "since": position])
        // The status follows the subscription: once it is here, the viewer is subscribed.
        _ = try #require(viewer.next(type: "status"), "no status after subscribe")
        return (viewer, epoch)
    }

    @Test func helloSubscribeAndLiveReading() throws {
        let server = try Self.startServer()
        defer { server.stop() }
        let viewer = try TestViewer(port: server.port)
        let hello = try #require(viewer.next())
        #expect(hello["type"] as? String == "hello")
        #expect(hello["server"] as? String == "vigie test")
        #expect(hello["epoch"] as? String == server.fanout.epoch)
        #expect(hello["feeds"] as? [String] == ["usgs", "openmeteo", "velib", "eco2mix"])
        try viewer.send(json: ["type": "subscribe", "feeds": ["*"], "since": NSNull()])
        let status = try #require(viewer.next())
        #expect(status["type"] as? String == "status")
        #expect(status["db"] as? String == "down")
        server.fanout.publish(Self.reading(1))
        let message = try #require(viewer.next(type: "reading"))
        #expect(message["offset"] as? Int == 1)
        #expect((message["doc"] as? [String: Any])?["key"] as? String == "k1")
        #expect(server.fanout.snapshot.viewers == 1)
    }

    @Test func broadcastsBetweenHelloAndTheFirstSubscribeAreNotLost() throws {
        let server = try Self.startServer()
        defer { server.stop() }
        server.fanout.publish(Self.reading(1))
        let viewer = try TestViewer(port: server.port)
        _ = try #require(viewer.next(type: "hello"))
        server.fanout.publish(Self.reading(2))
        server.fanout.publish(Self.reading(3))
        try viewer.send(json: ["type": "subscribe", "feeds": ["*"], "since": NSNull()])
        server.fanout.publish(Self.reading(4))
        let offsets = (0..<3).compactMap { _ in viewer.next(type: "reading") }.compactMap { $0["offset"] as? Int }
        #expect(offsets == [2, 3, 4], "offset 1 predates the hello (the page loads it over REST)")
    }

    @Test func viewersGetOnlyTheirFeeds() throws {
        let server = try Self.startServer()
        defer { server.stop() }
        let (quakes, _) = try Self.subscribe(server, feeds: ["usgs"])
        let (everything, _) = try Self.subscribe(server, feeds: ["*"])
        server.fanout.publish(Self.reading(1, feed: "velib"))
        server.fanout.publish(Self.reading(2, feed: "usgs"))
        server.fanout.publish(.fetch(FetchRun(feed: "velib", ok: true, at: 0)))
        server.fanout.publish(.ignored)
        server.fanout.publish(Self.reading(3, feed: "usgs"))
        let seenByQuakes = (0..<2).compactMap { _ in quakes.next(type: "reading") }.compactMap { $0["offset"] as? Int }
        #expect(seenByQuakes == [2, 4])
        let seenByAll = (0..<4).compactMap { _ in everything.next() }.compactMap { $0["offset"] as? Int }
        #expect(seenByAll == [1, 2, 3, 4])
        #expect(quakes.next(timeout: 0.3) == nil, "a velib broadcast leaked to a usgs-only viewer")
    }

    @Test func badMessagesGetAnErrorAndTheConnectionStays() throws {
        let server = try Self.startServer()
        defer { server.stop() }
        let viewer = try TestViewer(port: server.port)
        _ = viewer.next(type: "hello")
        try viewer.send("{\"type\":\"subscribe\",\"feeds\":[\"nope\"]}")
        let error = try #require(viewer.next())
        #expect(error["type"] as? String == "error")
        #expect((error["error"] as? String)?.contains("nope") == true)
        try viewer.send(json: ["type": "subscribe", "feeds": ["*"], "since": NSNull()])
        #expect(viewer.next(type: "status") != nil)
    }

    @Test func unknownEpochOrLostOffsetGetsReset() throws {
        let server = try Self.startServer(historyEntries: 5)
        defer { server.stop() }
        for number in 1...10 { server.fanout.publish(Self.reading(number)) }
        let (stranger, _) = try Self.subscribe(server, since: ("another-epoch", 3))
        // The reset comes before the status, which `subscribe` consumed: it is in what was read.
        #expect(stranger.messages.contains { $0["type"] as? String == "reset" })
        let (late, epoch) = try Self.subscribe(server, since: (server.fanout.epoch, 4))
        #expect(epoch == server.fanout.epoch)
        #expect(late.messages.contains { $0["type"] as? String == "reset" }, "offset 5 is no longer kept")
        let (inTime, _) = try Self.subscribe(server, since: (server.fanout.epoch, 5))
        let replayed = inTime.messages.filter { $0["type"] as? String == "reading" }.compactMap { $0["offset"] as? Int }
        #expect(replayed == [6, 7, 8, 9, 10])
        #expect(!inTime.messages.contains { $0["type"] as? String == "reset" })
        server.fanout.resetAll()
        #expect(inTime.next(type: "reset") != nil, "history lost is announced to every viewer")
        let (after, _) = try Self.subscribe(server, since: (server.fanout.epoch, 10))
        #expect(!after.messages.contains { $0["type"] as? String == "reset" }, "nothing was missed since the reset")
        let (before, _) = try Self.subscribe(server, since: (server.fanout.epoch, 9))
        #expect(before.messages.contains { $0["type"] as? String == "reset" }, "the history was emptied by the reset")
    }

    /// Reconnections while broadcasts keep coming: every offset arrives exactly once, in order.
    @Test func reconnectingDuringBroadcastsMissesNothingAndRepeatsNothing() throws {
        let server = try Self.startServer()
        defer { server.stop() }
        let total = 3000
        let publisher = Thread {
            for number in 1...total {
                server.fanout.publish(Self.reading(number, feed: number % 2 == 0 ? "usgs" : "velib"))
                if number % 10 == 0 { usleep(2000) }
            }
        }
        var (viewer, epoch) = try Self.subscribe(server)
        publisher.start()
        var seen = [Int]()
        var reconnections = 0
        let deadline = Date(timeIntervalSinceNow: 60)
        while seen.last != total && Date() < deadline {
            guard let message = viewer.next(timeout: 5) else { break }
            if message["type"] as? String == "reading", let offset = message["offset"] as? Int { seen.append(offset) }
            if seen.count % 300 == 299 {
                // Cut the connection and come back from the last offset seen.
                viewer.abort()
                reconnections += 1
                (viewer, epoch) = try Self.subscribe(server, since: (epoch, seen.last!))
                // Everything received so far (the replay came before the status `subscribe` waited for).
                _ = viewer.takeTexts()
                seen += viewer.messages.filter { $0["type"] as? String == "reading" }.compactMap { $0["offset"] as? Int }
            }
        }
        #expect(reconnections >= 5)
        #expect(seen == Array(1...total), "got \(seen.count) offsets, first gap near \(zip(seen, 1...).first { $0 != $1 }.map { "\($0)" } ?? "-")")
    }

    @Test func aViewerThatStopsReadingIsDroppedWith1013AndCounted() throws {
        let server = try Self.startServer(maxQueuedBytes: 256 * 1024)
        defer { server.stop() }
        let (stuck, _) = try Self.subscribe(server)
        let (reader, _) = try Self.subscribe(server)
        let filler = String(repeating: "x", count: 100_000)
        var readerOffsets = [Int]()
        for number in 1...200 {
            server.fanout.publish(.reading(ReadingChange(feed: "usgs", operation: .insert,
                                                         document: ["_id": .int64(Int64(number)), "feed": "usgs", "pad": .string(filler)])))
            // The reading viewer keeps up; the stuck one never reads, so its queue grows past the bound.
            while let message = reader.next(timeout: 0.001), let offset = message["offset"] as? Int { readerOffsets.append(offset) }
        }
        while readerOffsets.count < 200, let message = reader.next(timeout: 5) {
            if let offset = message["offset"] as? Int { readerOffsets.append(offset) }
        }
        #expect(readerOffsets == Array(1...200), "the slow viewer never holds back the others")
        let closed = waitUntil(20) {
            stuck.pump()
            return stuck.closeCode != nil || stuck.closed
        }
        #expect(closed)
        #expect(stuck.closeCode == 1013)
        let metrics = try TestHTTP.get(port: server.port, "/metrics").text
        #expect(metrics.contains("vigie_viewer_drops_total 1\n"), "\(metrics.split(separator: "\n").filter { $0.contains("drops") })")
    }

    @Test func tokenGuardsTheWebSocket() throws {
        let server = try Self.startServer(token: "letmein")
        defer { server.stop() }
        #expect(throws: TestFailure.self) { try TestViewer(port: server.port) }
        let viewer = try TestViewer(port: server.port, path: "/ws?token=letmein")
        #expect(viewer.next(type: "hello") != nil)
        let bearer = try TestViewer(port: server.port, headers: ["Authorization: Bearer letmein"])
        #expect(bearer.next(type: "hello") != nil)
    }
}
