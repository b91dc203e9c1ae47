import BSON
@testable import Dashboard
import Foundation
import Mongo
import Testing

/// The REST API, health, metrics, static files, reports and the token, against the embedded store.
@Suite(.serialized)
struct RESTTests {
    /// A store with a few readings, fetch runs and rollups, and a server with a web and a reports directory.
    final class Fixture {
        let store: InProcessStore
        let files: TemporaryDirectory
        let server: DashboardServer
        /// Released before the store stops: a client pool that outlives its server waits for it when destroyed.
        private(set) var database: Database!
        var port: Int { server.port }

        init(token: String? = nil) throws {
            store = try InProcessStore()
            files = try TemporaryDirectory("web")
            try FileManager.default.createDirectory(atPath: files.path + "/web", withIntermediateDirectories: true)
            try "<!doctype html><title>Vigie</title>".write(toFile: files.path + "/web/index.html", atomically: true, encoding: .utf8)
            try "export const x = 1;".write(toFile: files.path + "/web/app.js", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: files.path + "/reports", withIntermediateDirectories: true)
            try "<h1>report</h1>".write(toFile: files.path + "/reports/2024-07-27.html", atomically: true, encoding: .utf8)
            database = try MongoClient(uri: store.uri).database("vigie")
            server = try startDashboard(uri: store.uri, token: token, webDirectory: files.path + "/web",
                                        reportsDirectory: files.path + "/reports")
        }

        func stop() {
            server.stop()
            database = nil
            store.stop()
            files.remove()
        }

        func get(_ target: String, headers: [String] = []) throws -> TestHTTP.Response {
            try TestHTTP.get(port: port, target, headers: headers)
        }
    }

    static let hour: Int64 = 3_600_000
    static let base: Int64 = 1_722_067_200_000 // 2024-07-27T08:00:00Z

    @Test func readingsAreFilteredSortedAndCapped() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let readings = try fixture.database.collection("readings")
        for minute in (0..<30).reversed() {
            try readings.insertOne(readingDocument(key: minute % 2 == 0 ? "even" : "odd", at: Self.base + Int64(minute) * 60_000, value: Double(minute)))
        }
        try readings.insertOne(readingDocument(feed: "velib", key: "_network", at: Self.base))
        let all = try fixture.get("/api/readings?feed=usgs").json()["readings"] as? [[String: Any]] ?? []
        #expect(all.count == 30)
        #expect(all.compactMap { $0["at"] as? String } == (0..<30).map { ISODate.format(Self.base + Int64($0) * 60_000) }, "sorted by at")
        #expect(all.allSatisfy { $0["feed"] as? String == "usgs" })
        let first = try #require(all.first)
        #expect((first["_id"] as? String)?.count == 24)
        #expect((first["geo"] as? [String: Any])?["lat"] as? Double == 48.85)
        let window = try fixture.get("/api/readings?feed=usgs&key=even&from=2024-07-27T08:10:00Z&to=2024-07-27T08:20:00.000Z&limit=3")
        #expect(window.status == 200)
        #expect(window.header("Content-Type")?.hasPrefix("application/json") == true)
        let keys = (try window.json()["readings"] as? [[String: Any]] ?? []).compactMap { $0["at"] as? String }
        #expect(keys == ["2024-07-27T08:10:00.000Z", "2024-07-27T08:12:00.000Z", "2024-07-27T08:14:00.000Z"])
        let empty = try fixture.get("/api/readings?feed=eco2mix").json()["readings"] as? [Any]
        #expect(empty?.isEmpty == true)
    }

    @Test func badParametersAnswer400NamingTheParameter() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let cases: [(String, String)] = [
            ("/api/readings", "feed"), ("/api/readings?feed=nope", "feed"), ("/api/readings?feed=usgs&from=yesterday", "from"),
            ("/api/readings?feed=usgs&to=2024-13-01", "to"), ("/api/readings?feed=usgs&limit=0", "limit"),
            ("/api/readings?feed=usgs&limit=10001", "limit"), ("/api/readings?feed=usgs&limit=ten", "limit"),
            ("/api/readings?feed=usgs&from=2024-07-28&to=2024-07-27", "from"), ("/api/rollups?feed=x", "feed"),
            ("/api/rollups?from=now", "from"), ("/api/fetches?limit=-1", "limit"), ("/api/fetches?feed=usgs&limit=1001", "limit"),
        ]
        for (target, parameter) in cases {
            let response = try fixture.get(target)
            #expect(response.status == 400, "\(target)")
            let body = try response.json()
            #expect(body["parameter"] as? String == parameter, "\(target): \(response.text)")
            #expect((body["error"] as? String)?.isEmpty == false)
        }
        #expect(try fixture.get("/api/nothing").status == 404)
    }

    @Test func feedsFetchesAndRollups() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let now = ChangeWatcher.nowMilliseconds()
        let fetches = try fixture.database.collection("fetches")
        try fetches.insertOne(["feed": "usgs", "startedAt": .datetime(now - 50_000), "finishedAt": .datetime(now - 49_000), "ok": true,
                               "httpStatus": 200, "bytes": 1234, "records": 12, "inserted": 3, "updated": 1, "unchanged": 8,
                               "rejected": 0, "error": .null, "rawPath": "var/raw/usgs/x.json"])
        try fetches.insertOne(["feed": "usgs", "startedAt": .datetime(now - 10_000), "finishedAt": .datetime(now - 9_000), "ok": false,
                               "httpStatus": 503, "records": 0, "error": "HTTP 503"])
        try fetches.insertOne(["feed": "velib", "startedAt": .datetime(now - 3_600_000), "finishedAt": .datetime(now - 3_599_000), "ok": true])
        let feeds = try fixture.get("/api/feeds").json()["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.compactMap { $0["id"] as? String } == ["usgs", "openmeteo", "velib", "eco2mix"])
        let usgs = try #require(feeds.first)
        for field in ["title", "description", "zone", "licence", "attribution", "sourceUrl"] {
            #expect((usgs[field] as? String)?.isEmpty == false, "\(field)")
        }
        #expect(usgs["periodSeconds"] as? Int == 60)
        #expect((usgs["fields"] as? [String: String])?["depth"] == "km")
        let last = try #require(usgs["lastFetch"] as? [String: Any])
        #expect(last["ok"] as? Bool == false)
        #expect(last["error"] as? String == "HTTP 503")
        #expect(usgs["lastSuccessAt"] as? String == ISODate.format(now - 49_000))
        #expect(usgs["stale"] as? Bool == false, "last success 49 s ago, period 60 s")
        #expect(feeds[2]["stale"] as? Bool == true, "velib: last success an hour ago, period 60 s")
        #expect(feeds[1]["lastFetch"] is NSNull)
        #expect(feeds[1]["lastSuccessAt"] is NSNull)
        #expect(feeds[1]["stale"] as? Bool == true)

        let runs = try fixture.get("/api/fetches?feed=usgs&limit=5").json()["fetches"] as? [[String: Any]] ?? []
        #expect(runs.compactMap { $0["ok"] as? Bool } == [false, true], "newest first")
        #expect(Set(runs[1].keys) == Set(DashboardAPI.fetchFields))
        #expect(runs[1]["rawPath"] as? String == "var/raw/usgs/x.json")
        #expect((try fixture.get("/api/fetches").json()["fetches"] as? [Any])?.count == 3)

        let rollups = try fixture.database.collection("rollups_hourly")
        for offset in [2, 0, 1] {
            try rollups.insertOne(["feed": "usgs", "key": "*", "hour": .datetime(Self.base + Int64(offset) * Self.hour), "count": .int32(Int32(offset + 1)),
                                   "stats": ["mag": ["min": 1.0, "max": 3.0, "avg": 2.0]]])
        }
        let listed = try fixture.get("/api/rollups?feed=usgs&from=2024-07-27T09:00:00Z").json()["rollups"] as? [[String: Any]] ?? []
        #expect(listed.compactMap { $0["hour"] as? String } == ["2024-07-27T09:00:00.000Z", "2024-07-27T10:00:00.000Z"])
        #expect(((listed.first?["stats"] as? [String: Any])?["mag"] as? [String: Any])?["avg"] as? Double == 2.0)
    }

    @Test func healthMetricsStaticFilesAndReports() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let health = try fixture.get("/healthz")
        #expect(health.status == 200)
        #expect(try health.json()["db"] as? String == "up")
        let (viewer, _) = try EndToEndTests.subscribe(port: fixture.port)
        try fixture.database.collection("fetches").insertOne(["feed": "velib", "ok": false, "startedAt": .datetime(0)])
        #expect(viewer.next(type: "fetch") != nil)
        let metrics = try fixture.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("vigie_viewers 1\n"))
        #expect(metrics.text.contains("vigie_fetches_total{feed=\"velib\",outcome=\"error\"} 1\n"))
        #expect(metrics.text.contains("vigie_database_up 1\n"))
        #expect(metrics.text.contains("# TYPE vigie_bytes_sent_total counter"))
        let page = try fixture.get("/")
        #expect(page.status == 200)
        #expect(page.text.contains("<title>Vigie</title>"))
        #expect(try fixture.get("/app.js").header("Content-Type")?.contains("javascript") == true)
        #expect(try fixture.get("/missing.js").status == 404)
        #expect(try fixture.get("/../reports/2024-07-27.html").status == 404)
        let report = try fixture.get("/reports/2024-07-27.html")
        #expect(report.status == 200)
        #expect(report.text == "<h1>report</h1>")
        #expect(try fixture.get("/reports/2024-07-28.html").status == 404)
    }

    @Test func theTokenIsRequiredEverywhereWhenSet() throws {
        let fixture = try Fixture(token: "s3cret")
        defer { fixture.stop() }
        for target in ["/", "/app.js", "/api/feeds", "/api/readings?feed=usgs", "/healthz", "/metrics", "/reports/2024-07-27.html"] {
            let refused = try fixture.get(target)
            #expect(refused.status == 401, "\(target)")
            #expect(try refused.json()["parameter"] as? String == "token")
            #expect(try fixture.get(target, headers: ["Authorization: Bearer s3cret"]).status == 200, "\(target)")
            #expect(try fixture.get(target, headers: ["Authorization: Bearer wrong"]).status == 401, "\(target)")
        }
        let separator = { (target: String) in target.contains("?") ? "&" : "?" }
        for target in ["/api/readings?feed=usgs", "/healthz"] {
            #expect(try fixture.get(target + separator(target) + "token=s3cret").status == 200)
        }
        let page = try fixture.get("/?token=s3cret")
        #expect(page.status == 200)
        let cookie = try #require(page.header("Set-Cookie"), "the page sets the token cookie for its scripts")
        let pair = String(cookie.split(separator: ";")[0])
        #expect(try fixture.get("/app.js", headers: ["Cookie: " + pair]).status == 200)
        #expect(throws: TestFailure.self) { try TestViewer(port: fixture.port) }
        let viewer = try TestViewer(port: fixture.port, headers: ["Cookie: " + pair])
        #expect(viewer.next(type: "hello") != nil)
    }
}
