import BSON
@testable import Dashboard
import Foundation
import HTTP
import Net
import Testing

/// Viewer messages, change-event interpretation, subscribe parsing, history bounds, parameters and tokens.
struct MessageTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static let reading: Document = [
        "_id": .objectId(ObjectId(hex: "66a4b0c1d2e3f40516273849")!), "feed": "usgs", "key": "us7000abcd",
        "at": .datetime(1_722_067_380_000), "values": ["mag": 4.6, "depth": 10.0], "tags": ["place": "Somewhere \"quoted\""],
    ]

    @Test func readingMessageIsPlainJSONWithOffset() throws {
        let text = ViewerMessage.reading(ReadingChange(feed: "usgs", operation: .update, document: Self.reading), offset: 42)
        let message = try Self.json(text)
        #expect(message["type"] as? String == "reading")
        #expect(message["feed"] as? String == "usgs")
        #expect(message["op"] as? String == "update")
        #expect(message["offset"] as? Int == 42)
        let doc = try #require(message["doc"] as? [String: Any])
        #expect(doc["_id"] as? String == "66a4b0c1d2e3f40516273849")
        #expect(doc["at"] as? String == "2024-07-27T08:03:00.000Z")
        #expect((doc["values"] as? [String: Any])?["mag"] as? Double == 4.6)
        #expect((doc["tags"] as? [String: Any])?["place"] as? String == "Somewhere \"quoted\"")
    }

    @Test func fetchHelloStatusAndResetMessages() throws {
        let fetch = try Self.json(ViewerMessage.fetch(FetchRun(feed: "velib", ok: false, at: 0, error: "HTTP 503", records: 0,
                                                               inserted: nil, updated: 2), offset: 7))
        #expect(fetch["type"] as? String == "fetch")
        #expect(fetch["ok"] as? Bool == false)
        #expect(fetch["at"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(fetch["error"] as? String == "HTTP 503")
        #expect(fetch["inserted"] is NSNull)
        #expect(fetch["updated"] as? Int == 2)
        #expect(fetch["offset"] as? Int == 7)
        let hello = try Self.json(ViewerMessage.hello(server: "vigie 0.1.0", epoch: "abc", feeds: ["usgs", "velib"]))
        #expect(hello["epoch"] as? String == "abc")
        #expect(hello["feeds"] as? [String] == ["usgs", "velib"])
        #expect(try Self.json(ViewerMessage.status(databaseUp: false))["db"] as? String == "down")
        #expect(try Self.json(ViewerMessage.reset)["type"] as? String == "reset")
    }

    @Test func changeEventsBecomeReadingsFetchesOrNothing() {
        let insert: Document = ["operationType": "insert", "ns": ["db": "vigie", "coll": "readings"], "fullDocument": .document(Self.reading)]
        #expect(DatabaseChange(event: insert) == .reading(ReadingChange(feed: "usgs", operation: .insert, document: Self.reading)))
        let replace: Document = ["operationType": "replace", "ns": ["db": "vigie", "coll": "readings"], "fullDocument": .document(Self.reading)]
        #expect(DatabaseChange(event: replace) == .reading(ReadingChange(feed: "usgs", operation: .update, document: Self.reading)))
        let vanished: Document = ["operationType": "update", "ns": ["db": "vigie", "coll": "readings"], "fullDocument": .null]
        #expect(DatabaseChange(event: vanished) == .ignored)
        let delete: Document = ["operationType": "delete", "ns": ["db": "vigie", "coll": "readings"], "documentKey": ["_id": 5]]
        #expect(DatabaseChange(event: delete) == .reading(ReadingChange(feed: nil, operation: .delete, document: ["_id": 5, "feed": .null])))
        let run: Document = ["feed": "usgs", "ok": true, "startedAt": .datetime(1000), "finishedAt": .datetime(2000), "records": 12]
        let fetch: Document = ["operationType": "insert", "ns": ["db": "vigie", "coll": "fetches"], "fullDocument": .document(run)]
        #expect(DatabaseChange(event: fetch) == .fetch(FetchRun(feed: "usgs", ok: true, at: 2000, records: 12)))
        let other: Document = ["operationType": "insert", "ns": ["db": "vigie", "coll": "vigie_state"], "fullDocument": ["_id": "x"]]
        #expect(DatabaseChange(event: other) == .ignored)
        let drop: Document = ["operationType": "drop", "ns": ["db": "vigie", "coll": "readings"]]
        #expect(DatabaseChange(event: drop) == .ignored)
        #expect(DatabaseChange.eventTime(["wallTime": .datetime(1234)]) == 1234)
        #expect(DatabaseChange.eventTime(["clusterTime": .timestamp(seconds: 5, increment: 1)]) == 5000)
    }

    @Test func subscribeRequestsAreValidated() throws {
        let known: Set<String> = ["usgs", "velib"]
        let all = try SubscribeRequest(text: #"{"type":"subscribe","feeds":["*","usgs"],"since":null}"#, knownFeeds: known)
        #expect(all == SubscribeRequest(feeds: ["*"], since: nil))
        let resume = try SubscribeRequest(text: #"{"type":"subscribe","feeds":["usgs"],"since":{"epoch":"e1","offset":12}}"#, knownFeeds: known)
        #expect(resume == SubscribeRequest(feeds: ["usgs"], since: .init(epoch: "e1", offset: 12)))
        let bad = [
            "not json", #"{"feeds":["*"]}"#, #"{"type":"unsubscribe","feeds":["*"]}"#, #"{"type":"subscribe","feeds":[]}"#,
            #"{"type":"subscribe","feeds":["nope"]}"#, #"{"type":"subscribe","feeds":[1]}"#,
            #"{"type":"subscribe","feeds":["*"],"since":{"epoch":"e","offset":-1}}"#,
            #"{"type":"subscribe","feeds":["*"],"since":{"epoch":"e","offset":1.5}}"#,
            #"{"type":"subscribe","feeds":["*"],"since":{"offset":1}}"#,
        ]
        for text in bad {
            #expect(throws: ViewerMessageError.self, "\(text)") { try SubscribeRequest(text: text, knownFeeds: known) }
        }
    }

    @Test func historyKeepsTheNewestWithinBothBounds() {
        var history = BroadcastHistory(maxEntries: 3, maxBytes: 1000)
        #expect(history.entries(after: 0, latest: 0)?.isEmpty == true)
        for offset in 1...5 { history.append(.init(offset: UInt64(offset), topic: "usgs", frame: SharedBytes([UInt8](repeating: 1, count: 10)))) }
        #expect(history.count == 3)
        #expect(history.oldestOffset == 3)
        #expect(history.entries(after: 2, latest: 5)?.map(\.offset) == [3, 4, 5])
        #expect(history.entries(after: 4, latest: 5)?.map(\.offset) == [5])
        #expect(history.entries(after: 5, latest: 5)?.isEmpty == true)
        #expect(history.entries(after: 1, latest: 5) == nil, "offset 2 is gone")
        #expect(history.entries(after: 9, latest: 5) == nil, "an offset from the future")
        var small = BroadcastHistory(maxEntries: 100, maxBytes: 25)
        for offset in 1...4 { small.append(.init(offset: UInt64(offset), topic: "*", frame: SharedBytes([UInt8](repeating: 0, count: 10)))) }
        #expect(small.count == 2)
        #expect(small.byteCount == 20)
        #expect(small.oldestOffset == 3)
        small.removeAll()
        #expect(small.entries(after: 4, latest: 4)?.isEmpty == true)
        #expect(small.entries(after: 3, latest: 4) == nil)
    }

    @Test func deletesGetTheFeedOfTheReadingWhenItWasSeen() {
        var recent = RecentReadingFeeds(capacity: 2)
        let insert = DatabaseChange.reading(ReadingChange(feed: "velib", operation: .insert, document: ["_id": 1, "feed": "velib"]))
        #expect(recent.complete(insert) == insert)
        let delete = DatabaseChange.reading(ReadingChange(feed: nil, operation: .delete, document: ["_id": 1, "feed": .null]))
        #expect(recent.complete(delete) == .reading(ReadingChange(feed: "velib", operation: .delete, document: ["_id": 1, "feed": "velib"])))
        recent.remember(2, feed: "usgs")
        recent.remember(3, feed: "usgs")
        #expect(recent.feed(of: 1) == nil, "the oldest is forgotten beyond the capacity")
        #expect(recent.count == 2)
        #expect(recent.complete(delete) == delete, "an unknown _id stays without feed")
    }

    @Test func queryParametersNameTheBadOne() throws {
        let feeds = ["usgs", "velib"]
        #expect(throws: BadParameter("feed", "missing parameter 'feed' (one of: usgs, velib)")) {
            try QueryParameters(values: [:], knownFeeds: feeds).feed()
        }
        #expect(try QueryParameters(values: [:], knownFeeds: feeds).feed(optional: true) == nil)
        #expect(throws: BadParameter.self) { try QueryParameters(values: ["feed": "x"], knownFeeds: feeds).feed() }
        #expect(try QueryParameters(values: ["from": "2024-07-27T08:03:00Z"], knownFeeds: feeds).date("from") == 1_722_067_380_000)
        do {
            _ = try QueryParameters(values: ["to": "yesterday"], knownFeeds: feeds).date("to")
            Issue.record("a bad date was accepted")
        } catch {
            #expect(error.parameter == "to")
        }
        let limits = QueryParameters(values: ["limit": "0"], knownFeeds: feeds)
        #expect(throws: BadParameter.self) { try limits.integer("limit", in: 1...10, default: 5) }
        #expect(try QueryParameters(values: [:], knownFeeds: feeds).integer("limit", in: 1...10, default: 5) == 5)
        #expect(throws: BadParameter.self) { try QueryParameters.checkRange(from: 2, to: 1) }
        let body = try Self.json(BadParameter("from", "bad \"date\"").json)
        #expect(body["parameter"] as? String == "from")
        #expect(body["error"] as? String == "bad \"date\"")
    }

    @Test func tokensAreAcceptedFromQueryHeaderOrCookieOnly() {
        func request(query: [String: String] = [:], headers: [(String, String)] = []) -> HTTPRequest {
            HTTPRequest(method: "GET", target: "/", path: "/", query: query, headers: HTTPHeaders(headers))
        }
        let open = AccessToken(nil)
        #expect(open.allows(request()))
        #expect(AccessToken("").token == nil)
        let guarded = AccessToken("s3cret; x")
        #expect(!guarded.allows(request()))
        #expect(!guarded.allows(request(query: ["token": "s3cret"])))
        #expect(guarded.allows(request(query: ["token": "s3cret; x"])))
        #expect(guarded.allows(request(headers: [("Authorization", "Bearer s3cret; x")])))
        #expect(!guarded.allows(request(headers: [("Authorization", "Basic s3cret; x")])))
        let cookie = guarded.cookieHeader!.1
        let value = String(cookie.split(separator: ";")[0])
        #expect(guarded.allows(request(headers: [("Cookie", "other=1; " + value)])))
        #expect(!guarded.allows(request(headers: [("Cookie", "vigie_token=wrong")])))
        #expect(AccessToken.constantTimeEquals("abc", "abc"))
        #expect(!AccessToken.constantTimeEquals("abc", "abd"))
        #expect(!AccessToken.constantTimeEquals("abc", "abcd"))
    }

    @Test func metricsRenderPrometheusText() {
        let metrics = DashboardMetrics()
        metrics.recordBroadcast(recipients: 3, bytes: 100)
        metrics.recordFetch(feed: "usgs", ok: true)
        metrics.recordFetch(feed: "usgs", ok: false)
        metrics.recordChangeEvent(lagSeconds: 0.004)
        let text = metrics.render(viewers: 3, databaseUp: true, historyEntries: 1, latestOffset: 1, connections: 4, drops: 2)
        #expect(text.contains("vigie_viewers 3\n"))
        #expect(text.contains("vigie_websocket_connections 4\n"))
        #expect(text.contains("vigie_viewer_drops_total 2\n"))
        #expect(text.contains("vigie_messages_sent_total 3\n"))
        #expect(text.contains("vigie_bytes_sent_total 300\n"))
        #expect(text.contains("vigie_fetches_total{feed=\"usgs\",outcome=\"ok\"} 1\n"))
        #expect(text.contains("vigie_fetches_total{feed=\"usgs\",outcome=\"error\"} 1\n"))
        #expect(text.contains("vigie_change_stream_lag_seconds 0.004000\n"))
        #expect(text.contains("# TYPE vigie_database_up gauge\nvigie_database_up 1\n"))
    }
}
