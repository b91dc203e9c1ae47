#if canImport(Glibc)
import Glibc
#endif
import BSON
@testable import Dashboard
import EmbeddedMongo
import Foundation
import Mongo
import Testing

/// Watcher → hub → WebSocket against the embedded store, with inserts from a separate MongoClient.
@Suite(.serialized)
struct EndToEndTests {
    /// Connects and subscribes to every feed; `since` resumes.
    static func subscribe(port: Int, since: (String, Int)? = nil) throws -> (viewer: TestViewer, epoch: String) {
        let viewer = try TestViewer(port: port)
        let hello = try #require(viewer.next(type: "hello"), "no hello")
        let epoch = try #require(hello["epoch"] as? String)
        let position: Any = since.map { ["epoch": $0.0, "offset": $0.1] as [String: Any] } ?? NSNull()
        try viewer.send(json: ["type": "subscribe", "feeds": ["*"], "since": position])
        _ = try #require(viewer.next(type: "status"), "no status after subscribe")
        return (viewer, epoch)
    }

    @Test func aViewerReceivesInsertsUpdatesAndFetchRuns() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let server = try startDashboard(uri: store.uri)
        defer { server.stop() }
        let (viewer, _) = try Self.subscribe(port: server.port)
        let database = try MongoClient(uri: store.uri).database("vigie")
        let readings = try database.collection("readings")
        try readings.insertOne(readingDocument(key: "us7000abcd", value: 4.6))
        let inserted = try #require(viewer.next(type: "reading"), "the insert never reached the viewer")
        #expect(inserted["op"] as? String == "insert")
        #expect(inserted["feed"] as? String == "usgs")
        let doc = try #require(inserted["doc"] as? [String: Any])
        #expect(doc["key"] as? String == "us7000abcd")
        #expect(doc["at"] as? String == "2024-07-27T08:03:00.000Z")
        #expect((doc["values"] as? [String: Any])?["mag"] as? Double == 4.6)
        #expect((doc["_id"] as? String)?.count == 24)

        try readings.updateOne(["key": "us7000abcd"], ["$set": ["values.mag": 4.9]])
        let updated = try #require(viewer.next(type: "reading"), "the update never reached the viewer")
        #expect(updated["op"] as? String == "update")
        #expect(((updated["doc"] as? [String: Any])?["values"] as? [String: Any])?["mag"] as? Double == 4.9)
        #expect((updated["offset"] as? Int ?? 0) > (inserted["offset"] as? Int ?? 0))

        try database.collection("fetches").insertOne(["feed": "usgs", "startedAt": .datetime(1000), "finishedAt": .datetime(2000),
                                                     "ok": true, "records": 12, "inserted": 3, "updated": 1, "error": .null])
        let fetch = try #require(viewer.next(type: "fetch"), "the fetch run never reached the viewer")
        #expect(fetch["ok"] as? Bool == true)
        #expect(fetch["records"] as? Int == 12)
        #expect(fetch["at"] as? String == "1970-01-01T00:00:02.000Z")

        try database.collection("rollups_hourly").insertOne(["feed": "usgs", "key": "x", "hour": .datetime(0), "count": 1])
        try readings.deleteOne(["key": "us7000abcd"])
        let deleted = try #require(viewer.next(type: "reading"), "the delete never reached the viewer")
        #expect(deleted["op"] as? String == "delete", "other collections are not broadcast")
        #expect(deleted["feed"] as? String == "usgs")
        #expect((deleted["doc"] as? [String: Any])?["feed"] as? String == "usgs")
        #expect((deleted["doc"] as? [String: Any])?["_id"] as? String == doc["_id"] as? String)
    }

    @Test func twoHundredViewersReceiveEveryOneOfAThousandInsertsInOrder() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let server = try startDashboard(uri: store.uri)
        defer { server.stop() }
        let viewers = try (0..<200).map { _ in try Self.subscribe(port: server.port).viewer }
        let readings = try MongoClient(uri: store.uri).database("vigie").collection("readings")
        let inserter = Thread {
            for number in 0..<1000 { _ = try? readings.insertOne(readingDocument(key: "k\(number)", at: Int64(number) * 1000)) }
        }
        inserter.start()
        var keys = Array(repeating: [String](), count: viewers.count)
        let complete = waitUntil(120) {
            TestSocket.waitAny(viewers.map(\.fd), seconds: 0.05)
            for (index, viewer) in viewers.enumerated() {
                viewer.pump()
                keys[index] += viewer.takeTexts().compactMap(readingKey)
            }
            return keys.allSatisfy { $0.count >= 1000 }
        }
        #expect(complete, "viewers got \(keys.map(\.count).min() ?? 0)...\(keys.map(\.count).max() ?? 0) readings of 1000")
        let expected = (0..<1000).map { "k\($0)" }
        for (index, got) in keys.enumerated() where got != expected {
            Issue.record("viewer \(index) got \(got.count) readings, not the 1000 inserts in order")
            break
        }
        #expect(try readings.countDocuments() == 1000)
    }

    @Test func aViewerThatReconnectsGetsEveryMissedReadingExactlyOnce() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let server = try startDashboard(uri: store.uri)
        defer { server.stop() }
        var (viewer, epoch) = try Self.subscribe(port: server.port)
        let readings = try MongoClient(uri: store.uri).database("vigie").collection("readings")
        let total = 600
        let inserter = Thread {
            for number in 0..<total {
                _ = try? readings.insertOne(readingDocument(key: "k\(number)"))
                usleep(2000)
            }
        }
        inserter.start()
        var keys = [String]()
        var lastOffset = 0
        var reconnections = 0
        let deadline = Date(timeIntervalSinceNow: 90)
        while keys.count < total && Date() < deadline {
            guard let text = viewer.nextText(timeout: 1) else { continue }
            if let key = readingKey(text) {
                keys.append(key)
                lastOffset = messageOffset(text) ?? lastOffset
            }
            if reconnections < 3 && keys.count >= 100 * (reconnections + 1) {
                // Leave during the inserts, stay away a moment, come back with the last offset seen.
                viewer.close()
                reconnections += 1
                usleep(100_000)
                (viewer, epoch) = try Self.subscribe(port: server.port, since: (epoch, lastOffset))
                // The replay comes before the status that `subscribe` waited for: take everything received.
                _ = viewer.takeTexts()
                for text in viewer.texts where readingKey(text) != nil {
                    keys.append(readingKey(text)!)
                    lastOffset = messageOffset(text) ?? lastOffset
                }
                #expect(!viewer.texts.contains { $0.contains("\"type\":\"reset\"") }, "the position was in history: no reset")
            }
        }
        #expect(reconnections == 3)
        #expect(keys == (0..<total).map { "k\($0)" }, "\(keys.count) readings, \(Set(keys).count) distinct")
    }

    @Test func restartingServeDuringInsertsLeavesEachViewerWithTheDatabasesSet() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let home = try TemporaryDirectory("home")
        defer { home.remove() }
        let environment = ["MONGODB_URI": store.uri, "VIGIE_DB": "vigie", "VIGIE_HOME": home.path, "VIGIE_TOKEN": ""]
        var serve = try VigieProcess(["serve", "--listen", "127.0.0.1:0", "--web", home.path], environment: environment)
        defer { serve.stop() }
        #expect(waitUntil(15) { (try? TestHTTP.get(port: serve.port, "/healthz").status) == 200 })
        let readings = try MongoClient(uri: store.uri).database("vigie").collection("readings")
        let total = 800
        let progress = Counter()
        let inserter = Thread {
            for number in 0..<total {
                _ = try? readings.insertOne(readingDocument(key: "k\(number)", at: Int64(number)))
                progress.increment()
                if number % 10 == 0 { usleep(4000) }
            }
        }
        var viewers = try (0..<5).map { _ in ReloadingViewer(try Self.subscribe(port: serve.port)) }
        inserter.start()
        #expect(waitUntil(30) { progress.value >= 250 })
        serve.stop()
        for viewer in viewers { viewer.absorb() }
        serve = try VigieProcess(["serve", "--listen", "127.0.0.1:0", "--web", home.path], environment: environment)
        for index in viewers.indices {
            viewers[index] = try viewers[index].reconnect(port: serve.port)
        }
        #expect(waitUntil(60) { progress.value >= total })
        let inDatabase = Set(try readings.find().toArray().compactMap { $0["key"]?.stringValue })
        #expect(inDatabase.count == total)
        let converged = waitUntil(30) {
            viewers.forEach { $0.absorb() }
            return viewers.allSatisfy { $0.keys == inDatabase }
        }
        #expect(converged, "viewer sets: \(viewers.map(\.keys.count)) of \(inDatabase.count)")
        #expect(viewers.allSatisfy { $0.resets == 1 }, "each viewer was told to reload once (new epoch): \(viewers.map(\.resets))")
    }

    @Test func stoppingAndRestartingTheStoreIsDownThenUpAndNothingIsMissed() throws {
        let data = try TemporaryDirectory("store-process")
        defer { data.remove() }
        let port = try freePort()
        let arguments = ["store", "--listen", "127.0.0.1:\(port)", "--dbpath", data.path]
        var store = try VigieProcess(arguments, environment: [:])
        defer { store.stop() }
        let uri = store.announcedURL
        let server = try startDashboard(uri: uri)
        defer { server.stop() }
        let (viewer, _) = try Self.subscribe(port: server.port)
        let readings = try MongoClient(uri: uri, serverSelectionTimeoutMS: 1000).database("vigie").collection("readings")
        for number in 0..<100 { try readings.insertOne(readingDocument(key: "k\(number)")) }
        // Stop the store at once: some of these may not have reached the watcher yet.
        store.stop(signal: SIGKILL)
        var keys = [String]()
        var statuses = [String]()
        func drain(until done: () -> Bool, timeout: Double) -> Bool {
            waitUntil(timeout) {
                while let text = viewer.nextText(timeout: 0.05) {
                    if let key = readingKey(text) { keys.append(key) }
                    if text.contains("\"type\":\"status\"") { statuses.append(text.contains("\"down\"") ? "down" : "up") }
                }
                return done()
            }
        }
        #expect(drain(until: { statuses.last == "down" }, timeout: 20), "no status down (statuses: \(statuses))")
        #expect(!server.fanout.isDatabaseUp)
        #expect((try? TestHTTP.get(port: server.port, "/healthz").status) == 503)
        store = try VigieProcess(arguments, environment: [:])
        #expect(drain(until: { statuses.last == "up" }, timeout: 30), "no status up (statuses: \(statuses))")
        for number in 100..<200 { try readings.insertOne(readingDocument(key: "k\(number)")) }
        #expect(drain(until: { keys.count >= 200 }, timeout: 30))
        #expect(statuses == ["down", "up"])
        #expect(keys == (0..<200).map { "k\($0)" }, "\(keys.count) readings, \(Set(keys).count) distinct")
        #expect((try? TestHTTP.get(port: server.port, "/healthz").status) == 200)
    }

    @Test func aRestartedServerResumesFromTheSavedToken() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let readings = try MongoClient(uri: store.uri).database("vigie").collection("readings")
        let first = try startDashboard(uri: store.uri)
        try readings.insertOne(readingDocument(key: "before"))
        #expect(waitUntil(10) { first.fanout.snapshot.latestOffset == 1 })
        first.stop()
        let saved = try ResumeTokenStore(database: try MongoClient(uri: store.uri).database("vigie")).load()
        #expect(saved != nil, "the token was saved in vigie_state")
        for number in 0..<50 { try readings.insertOne(readingDocument(key: "while-stopped-\(number)")) }
        let second = try startDashboard(uri: store.uri)
        defer { second.stop() }
        #expect(waitUntil(15) { second.fanout.snapshot.latestOffset == 50 }, "resumed with \(second.fanout.snapshot.latestOffset) of the 50 events")
        #expect(second.fanout.epoch != first.fanout.epoch)
    }

    @Test func droppingTheDatabaseResetsViewersAndTheLiveStreamGoesOn() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let server = try startDashboard(uri: store.uri)
        defer { server.stop() }
        let (viewer, _) = try Self.subscribe(port: server.port)
        let database = try MongoClient(uri: store.uri).database("vigie")
        try database.collection("readings").insertOne(readingDocument(key: "before"))
        #expect((viewer.next(type: "reading")?["doc"] as? [String: Any])?["key"] as? String == "before")
        try database.drop()
        #expect(viewer.next(type: "reset") != nil, "viewers reload when the database is dropped")
        try database.collection("readings").insertOne(readingDocument(key: "after"))
        let next = try #require(viewer.next(type: "reading", timeout: 15), "the stream ended with the database")
        #expect((next["doc"] as? [String: Any])?["key"] as? String == "after")
    }

    @Test func lostHistoryStartsAfreshAndTellsViewersToReset() throws {
        let store = try InProcessStore(oplogLimits: OplogLimits(maxEntries: 10, maxAgeSeconds: nil))
        defer { store.stop() }
        let readings = try MongoClient(uri: store.uri).database("vigie").collection("readings")
        let first = try startDashboard(uri: store.uri)
        try readings.insertOne(readingDocument(key: "before"))
        #expect(waitUntil(10) { first.fanout.snapshot.latestOffset == 1 })
        first.stop()
        // The store trims its oplog past maxEntries plus some slack (64): go well beyond.
        for number in 0..<200 { try readings.insertOne(readingDocument(key: "gone-\(number)")) }
        let second = try startDashboard(uri: store.uri)
        defer { second.stop() }
        let rendered = second.metrics.render(viewers: 0, databaseUp: true, historyEntries: 0, latestOffset: 0)
        #expect(rendered.contains("vigie_change_stream_history_lost_total 1\n"),
                "\(rendered.split(separator: "\n").filter { $0.hasPrefix("vigie_change") })")
        let (viewer, _) = try Self.subscribe(port: second.port)
        try readings.insertOne(readingDocument(key: "after"))
        let next = try #require(viewer.next(type: "reading"))
        #expect((next["doc"] as? [String: Any])?["key"] as? String == "after")
    }
}

/// A thread-safe counter shared with an inserting thread.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: `count` is guarded by `lock`.
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// A viewer as the page behaves: keeps the readings it saw, reconnects with `since`, and reloads over
/// REST when told `reset`.
final class ReloadingViewer {
    let viewer: TestViewer
    let epoch: String
    private(set) var keys: Set<String>
    private(set) var lastOffset: Int
    private(set) var resets: Int
    private let port: Int?

    init(_ connection: (viewer: TestViewer, epoch: String), keys: Set<String> = [], lastOffset: Int = 0, resets: Int = 0, port: Int? = nil) {
        viewer = connection.viewer
        epoch = connection.epoch
        self.keys = keys
        self.lastOffset = lastOffset
        self.resets = resets
        self.port = port
    }

    /// Applies every message received so far.
    func absorb() {
        viewer.pump()
        apply(viewer.takeTexts())
    }

    func apply<Texts: Sequence>(_ texts: Texts) where Texts.Element == String {
        for text in texts {
            if let key = readingKey(text) {
                keys.insert(key)
                lastOffset = messageOffset(text) ?? lastOffset
            } else if text.contains("\"type\":\"reset\""), let port {
                resets += 1
                reload(port: port)
            }
        }
    }

    /// Reloads the window over REST (the page's answer to `reset`).
    func reload(port: Int) {
        guard let response = try? TestHTTP.get(port: port, "/api/readings?feed=usgs&limit=10000"),
              let json = try? response.json(), let list = json["readings"] as? [[String: Any]] else {
            Issue.record("REST reload failed")
            return
        }
        for reading in list { if let key = reading["key"] as? String { keys.insert(key) } }
    }

    /// Connects again (to a server on `port`) with `since`; a reset there reloads from that server.
    func reconnect(port: Int) throws -> ReloadingViewer {
        viewer.close()
        let connection = try EndToEndTests.subscribe(port: port, since: (epoch, lastOffset))
        let next = ReloadingViewer(connection, keys: keys, lastOffset: 0, resets: resets, port: port)
        // A reset or replayed readings come before the status that `subscribe` waited for.
        _ = connection.viewer.takeTexts()
        next.apply(connection.viewer.texts)
        return next
    }
}
