import BSON
import Foundation
import Mongo
import Testing
@testable import Jobs

/// Bad input and failures: each gives a clear message, the right exit code, a `fetches` record, and loses nothing.
@Suite(.serialized) struct FetchFailureTests {
    @Test func http500ThenSuccessIsRetried() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.status(500, "oops"), .status(503, "busy"),
                                             .json(try TestFixtures.data("usgs/all_hour_2024-07-27.geojson"))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.failure == nil)
        #expect(outcome.record.inserted == 4)
        #expect(harness.sleeps.all.count == 2)
        #expect(harness.lines.all.filter { $0.hasPrefix("event=http_retry") }.count == 2)
    }

    @Test func http404FailsWithExitCode3AndIsRecorded() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.status(404, "Not Found")])
        let outcome = harness.fetch("usgs")
        #expect(outcome.exitCode == 3)
        #expect(outcome.failure?.message.contains("HTTP 404") == true)
        #expect(harness.server.received.count == 1, "a 404 is not retried")
        let record = try #require(try harness.fetches("usgs").last)
        #expect(record["ok"] == .bool(false))
        #expect(record["httpStatus"]?.int64Value == 404)
        #expect(record["error"]?.stringValue?.contains("HTTP 404") == true)
        #expect(harness.rawFiles("usgs").isEmpty)
    }

    @Test func aTimeoutFailsWithExitCode3() throws {
        let harness = try FetchHarness { $0.httpTimeoutSeconds = 1; $0.httpMaxAttempts = 1 }
        defer { harness.cleanUp() }
        var slow = FixtureResponse.json(try TestFixtures.data("usgs/all_hour_2024-07-27.geojson"))
        slow.delay = 3
        harness.server.script(APIPath.usgs, [slow])
        let outcome = harness.fetch("usgs")
        #expect(outcome.exitCode == 3)
        #expect(outcome.failure?.message.contains("timed out") == true, "\(String(describing: outcome.failure))")
        #expect(try harness.fetches("usgs").last?["ok"] == .bool(false))
    }

    @Test func http429HonoursRetryAfter() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.status(429, "slow down", headers: [("Retry-After", "7")]),
                                             .json(try TestFixtures.data("usgs/all_hour_2024-07-27.geojson"))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.failure == nil)
        #expect(harness.sleeps.all == [7])
        #expect(outcome.record.inserted == 4)
    }

    @Test func truncatedJSONIsAPayloadErrorWithTheRawKept() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let payload = try TestFixtures.data("usgs/all_day_2022-09-29.geojson")
        let truncated = payload.prefix(payload.count / 2)
        harness.server.script(APIPath.usgs, [.json(Data(truncated))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.exitCode == 4)
        #expect(outcome.failure?.message.contains("not valid JSON") == true, "\(String(describing: outcome.failure))")
        let raw = try #require(outcome.record.rawPath)
        #expect(outcome.failure?.message.contains(raw) == true)
        #expect(FileManager.default.contents(atPath: raw) == Data(truncated))
        #expect(try harness.readings("usgs").isEmpty)
        let record = try #require(try harness.fetches("usgs").last)
        #expect(record["ok"] == .bool(false) && record["rawPath"]?.stringValue == raw)
    }

    @Test func htmlInsteadOfJSONIsAPayloadError() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [FixtureResponse(status: 200, headers: [("Content-Type", "text/html")],
                                                             body: Data("<!DOCTYPE html><html><body>Maintenance</body></html>".utf8))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.exitCode == 4)
        #expect(outcome.failure?.message.contains("HTML") == true)
        #expect(harness.rawFiles("usgs").count == 1)
    }

    @Test func anEmptyListIsASuccessfulRunWithNoRecords() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.json(Data(#"{"type":"FeatureCollection","metadata":{"count":0},"features":[]}"#.utf8))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.failure == nil)
        #expect(outcome.record.records == 0 && outcome.record.inserted == 0)
        #expect(try harness.fetches("usgs").last?["ok"] == .bool(true))
    }

    @Test func schemaDriftKeepsValidRecordsAndCountsTheRest() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let time: Int64 = 1_764_756_000_000
        var text = String(decoding: TestFixtures.usgsPayload([("ok1", time, time, 2.5), ("renamed", time + 1000, time, 3.0),
                                                               ("ok2", time + 2000, time, 1.5)]), as: UTF8.self)
        // One feature's time renamed, another's magnitude sent as a string: the first is rejected, the second read.
        text = text.replacingOccurrences(of: "\"time\":\(time + 1000)", with: "\"Time\":\(time + 1000)")
        text = text.replacingOccurrences(of: "\"mag\":1.5", with: "\"mag\":\"1.5\"")
        harness.server.script(APIPath.usgs, [.json(Data(text.utf8))])
        let outcome = harness.fetch("usgs")
        #expect(outcome.failure == nil)
        #expect(outcome.record.records == 3)
        #expect(outcome.record.rejected == 1)
        #expect(outcome.record.inserted == 2)
        #expect(try harness.readings("usgs").first { $0["key"] == "ok2" }?.value(at: "values.mag")?.doubleValue == 1.5)
        let rejection = try #require(harness.lines.all.first { $0.hasPrefix("event=record_rejected") })
        #expect(rejection.contains("key=renamed") && rejection.contains("time"))

        // When every record drifted, the run is a payload error (exit 4), not a silent empty success.
        harness.server.script(APIPath.usgs, [.json(Data(text.replacingOccurrences(of: "\"time\":", with: "\"Time\":").utf8))])
        let drifted = harness.fetch("usgs")
        #expect(drifted.exitCode == 4)
        #expect(drifted.failure?.message.contains("all 3 records were rejected") == true)
    }

    @Test func aFiftyMegabyteResponseIsCappedAndNothingIsStored() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [FixtureResponse(status: 200, headers: [("Content-Type", "application/json")],
                                                             generatedBodyBytes: 50 << 20)])
        let outcome = harness.fetch("usgs")
        #expect(outcome.exitCode == 3)
        #expect(outcome.failure?.message.contains("larger than \(16 << 20) bytes") == true, "\(String(describing: outcome.failure))")
        #expect(harness.rawFiles("usgs").isEmpty)
        #expect(try harness.fetches("usgs").last?["ok"] == .bool(false))
    }

    @Test func databaseDownExitsFiveKeepsTheRawAndReplayRecoversIt() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let payload = try TestFixtures.data("usgs/all_hour_2024-07-27.geojson")
        harness.server.script(APIPath.usgs, [.json(payload)])
        var down = harness.settings
        down.mongoURI = "mongodb://127.0.0.1:1/?replicaSet=rs0&serverSelectionTimeoutMS=300&connectTimeoutMS=300"
        let outcome = harness.runner(settings: down).run(feed: "usgs", origin: harness.server.origin)
        #expect(outcome.exitCode == 5)
        let raw = try #require(outcome.record.rawPath)
        #expect(FileManager.default.contents(atPath: raw) == payload)
        let message = try #require(outcome.failure?.message)
        #expect(message.contains("database unreachable"))
        #expect(message.contains("vigie replay usgs \(raw)"))

        let replay = Replayer(settings: harness.settings, log: harness.log).run(feed: "usgs", files: [raw])
        #expect(replay.failure == nil)
        #expect(replay.totals.inserted == 4)
        let readings = try harness.readings("usgs")
        #expect(readings.count == 4)
        // fetchedAt comes from the raw file's name: when it was downloaded, not when it was replayed.
        let fetchedAt = try #require(readings.first?["fetchedAt"]?.datetimeValue)
        #expect(abs(Double(fetchedAt) / 1000 - outcome.record.startedAt.timeIntervalSince1970) < 2)
        // Replaying again changes nothing.
        #expect(Replayer(settings: harness.settings, log: harness.log).run(feed: "usgs", files: [raw]).totals.unchanged == 4)
    }
}
