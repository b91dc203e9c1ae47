import Foundation
import TestSupport
import Testing
@testable import Feeds

/// Records the delays the client asks for instead of sleeping, so retry tests run at once.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []

    func sleep(_ seconds: Double) {
        lock.lock()
        recorded.append(seconds)
        lock.unlock()
    }

    var delays: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
}

@Suite(.serialized) struct HTTPClientTests {
    let sleeper = SleepRecorder()

    func client(_ adjust: (inout HTTPClientConfiguration) -> Void = { _ in }) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = 2
        configuration.totalTimeout = 5
        configuration.maxAttempts = 3
        configuration.initialBackoff = 1
        adjust(&configuration)
        let sleeper = self.sleeper
        return HTTPClient(configuration: configuration, sleep: { sleeper.sleep($0) }, random: { 0.5 }, log: { _ in })
    }

    func expectFailure(_ kind: HTTPClientError.Kind, attempts: Int, _ body: () throws -> HTTPResponse,
                       sourceLocation: SourceLocation = #_sourceLocation) -> HTTPClientError? {
        do {
            let response = try body()
            Issue.record("expected \(kind), got HTTP \(response.status)", sourceLocation: sourceLocation)
            return nil
        } catch let error as HTTPClientError {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.attempts == attempts, sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func serverErrorThenSuccessIsRetried() throws {
        let server = try ScriptedHTTPServer { _, earlier in
            earlier == 0 ? ScriptedResponse(status: 500, body: Data("boom".utf8)) : ScriptedResponse(status: 200, body: Data("[1]".utf8))
        }
        defer { server.stop() }
        let response = try client().get(server.origin + "/data.json")
        #expect(response.status == 200)
        #expect(response.body == Data("[1]".utf8))
        #expect(response.attempts == 2)
        #expect(server.requests.count == 2)
        #expect(sleeper.delays == [0.75])  // 1 s backoff, jittered into [0.5, 1] (random fixed at 0.5)
    }

    @Test func persistentServerErrorBacksOffExponentiallyThenFails() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 503, body: Data("<html>down for maintenance</html>".utf8)) }
        defer { server.stop() }
        let url = server.origin + "/v1/forecast?latitude=1"
        let error = expectFailure(.httpStatus(503), attempts: 4) { try client { $0.maxAttempts = 4 }.get(url) }
        #expect(sleeper.delays == [0.75, 1.5, 3.0])
        #expect(server.requests.count == 4)
        #expect(error?.description == "GET \(url): HTTP 503: body starts \"<html>down for maintenance</html>\" (4 attempts)")
    }

    @Test func backoffIsCapped() {
        let capped = client { $0.maxBackoff = 5 }
        #expect(capped.backoff(afterAttempt: 1) == 0.75)
        #expect(capped.backoff(afterAttempt: 10) == 3.75)
    }

    @Test func notFoundIsNotRetried() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 404, body: Data("no such feed".utf8)) }
        defer { server.stop() }
        let url = server.origin + "/missing.json"
        let error = expectFailure(.httpStatus(404), attempts: 1) { try client().get(url) }
        #expect(sleeper.delays.isEmpty)
        #expect(error?.description.contains(url) == true)
        #expect(error?.description.contains("no such feed") == true)
    }

    @Test func tooManyRequestsHonoursRetryAfter() throws {
        let server = try ScriptedHTTPServer { _, earlier in
            earlier == 0 ? ScriptedResponse(status: 429, headers: [("Retry-After", "7")]) : ScriptedResponse(status: 200, body: Data("{}".utf8))
        }
        defer { server.stop() }
        let response = try client().get(server.origin + "/limited")
        #expect(response.status == 200)
        #expect(sleeper.delays == [7])
    }

    @Test func retryAfterBeyondTheCapFailsAtOnce() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 429, headers: [("Retry-After", "3600")]) }
        defer { server.stop() }
        let error = expectFailure(.httpStatus(429), attempts: 1) { try client { $0.maxRetryAfter = 60 }.get(server.origin + "/limited") }
        #expect(sleeper.delays.isEmpty)
        #expect(error?.detail.contains("retry after 3600 s, more than the 60 s allowed") == true)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21T07:27:50Z
        #expect(HTTPClient.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
        #expect(HTTPClient.retryAfterSeconds(" 120 ", now: now) == 120)
        #expect(HTTPClient.retryAfterSeconds("soon", now: now) == nil)
    }

    @Test func stalledServerTimesOut() throws {
        let server = try ScriptedHTTPServer { _, _ in .stall(seconds: 2) }
        defer { server.stop() }
        let url = server.origin + "/slow"
        let error = expectFailure(.timeout, attempts: 2) {
            try client { $0.totalTimeout = 0.3; $0.maxAttempts = 2 }.get(url)
        }
        #expect(sleeper.delays == [0.75])
        #expect(error?.description.hasPrefix("GET \(url): timed out") == true)
    }

    @Test func refusedConnectionIsANetworkError() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 200) }
        let origin = server.origin
        server.stop()  // the port is now closed
        let error = expectFailure(.network, attempts: 3) { try client().get(origin + "/x") }
        #expect(sleeper.delays == [0.75, 1.5])
        #expect(error?.description.contains(origin + "/x") == true)
    }

    @Test func announcedOversizeBodyIsRefused() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 200, body: Data(repeating: 0x20, count: 50_000)) }
        defer { server.stop() }
        let error = expectFailure(.tooLarge(limit: 10_000), attempts: 1) { try client { $0.maxResponseBytes = 10_000 }.get(server.origin + "/big") }
        #expect(error?.description.contains("response larger than 10000 bytes, aborted") == true)
        #expect(sleeper.delays.isEmpty)  // not retried: it would be as large again
    }

    @Test func unannouncedOversizeBodyIsAbortedWhileStreaming() throws {
        let server = try ScriptedHTTPServer { _, _ in
            ScriptedResponse(status: 200, body: Data(repeating: 0x20, count: 3_000_000), sendContentLength: false)
        }
        defer { server.stop() }
        let error = expectFailure(.tooLarge(limit: 1_000_000), attempts: 1) {
            try client { $0.maxResponseBytes = 1_000_000 }.get(server.origin + "/stream")
        }
        #expect(error?.detail == "received more than the cap")
    }

    @Test func gzipBodyIsRequestedAndDecoded() throws {
        let original = try Fixtures.data("usgs/all_hour_2024-07-27.geojson")
        let server = try ScriptedHTTPServer { request, _ in
            guard request.headers["accept-encoding"]?.contains("gzip") == true else { return ScriptedResponse(status: 406) }
            return ScriptedResponse(status: 200, headers: [("Content-Encoding", "gzip")], body: GzipStored.encode(original))
        }
        defer { server.stop() }
        let response = try client().get(server.origin + "/earthquakes/feed/v1.0/summary/all_hour.geojson")
        #expect(response.body == original)
        #expect(response.headers["content-encoding"] == "gzip")
    }

    @Test func etagAndLastModifiedMakeAConditionalRequest() throws {
        let lastModified = "Sat, 27 Jul 2024 08:03:00 GMT"
        let server = try ScriptedHTTPServer { request, _ in
            if request.headers["if-none-match"] == "\"v42\"" { return ScriptedResponse(status: 304, headers: [("ETag", "\"v42\"")]) }
            return ScriptedResponse(status: 200, headers: [("ETag", "\"v42\""), ("Last-Modified", lastModified)], body: Data("[]".utf8))
        }
        defer { server.stop() }
        let http = client()
        let first = try http.get(server.origin + "/feed.json")
        #expect(first.status == 200 && !first.notModified)
        #expect(first.etag == "\"v42\"")
        #expect(first.lastModified == lastModified)

        let second = try http.get(HTTPRequest(url: server.origin + "/feed.json", etag: first.etag, lastModified: first.lastModified))
        #expect(second.notModified)
        #expect(second.body.isEmpty)
        let conditional = try #require(server.requests.last)
        #expect(conditional.headers["if-none-match"] == "\"v42\"")
        #expect(conditional.headers["if-modified-since"] == lastModified)
        #expect(server.requests.first?.headers["if-none-match"] == nil)
    }

    @Test func identifiesItselfAsVigie() throws {
        let server = try ScriptedHTTPServer { _, _ in ScriptedResponse(status: 200) }
        defer { server.stop() }
        _ = try client { $0.userAgent = HTTPClientConfiguration.userAgent(version: "9.8.7", contact: "https://example.org/vigie") }
            .get(server.origin + "/")
        #expect(server.requests.first?.headers["user-agent"] == "Vigie/9.8.7 (real-time open-data dashboard; +https://example.org/vigie)")
        #expect(HTTPClientConfiguration().userAgent.hasPrefix("Vigie/"))
    }

    @Test func malformedURLIsAnInvalidRequest() {
        _ = expectFailure(.invalidRequest, attempts: 1) { try client().get("htp:/nowhere") }
        _ = expectFailure(.invalidRequest, attempts: 1) { try client().get("ftp://127.0.0.1/feed.json") }
        #expect(sleeper.delays.isEmpty)
    }

    @Test func feedFetchedFromAFixtureServerOnTheRealPath() throws {
        let feed = VelibFeed()
        let status = try Fixtures.data("velib/velib_station_status_2025-10-18.json")
        let information = try Fixtures.data("velib/velib_station_information_2025-10-18.json")
        let server = try ScriptedHTTPServer { request, _ in
            switch request.path {
            case "/opendata/Velib_Metropole/station_status.json": return ScriptedResponse(status: 200, body: status)
            case "/opendata/Velib_Metropole/station_information.json": return ScriptedResponse(status: 200, body: information)
            default: return ScriptedResponse(status: 404)
            }
        }
        defer { server.stop() }
        let origin = try FeedOrigin(parsing: server.origin)
        var payloads: [String: Data] = [:]
        for document in feed.documents {
            payloads[document.name] = try client().get(document.url(origin: origin)).body
        }
        let result = try feed.normalise(payloads)
        #expect(result.readings.count == 1496)
        #expect(result.readings.first?.tags["name"] == "Benjamin Godard - Victor Hugo")
    }
}
