#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import HTTP
import Net

/// A temporary site: web/ with files and symlinks, and a secret beside it that must never be served.
final class TemporarySite {
    let base: String
    var web: String { base + "/web" }
    let appJS = "export const x = 1;\n" + String(repeating: "console.log('vigie');\n", count: 200)

    init() throws {
        var template = Array("/tmp/vigie-http-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemError("mkdtemp") }
        base = String(cString: made)
        let files = FileManager.default
        try files.createDirectory(atPath: web + "/sub", withIntermediateDirectories: true)
        try files.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try "<!doctype html><title>Vigie</title>".write(toFile: web + "/index.html", atomically: true, encoding: .utf8)
        try appJS.write(toFile: web + "/app.js", atomically: true, encoding: .utf8)
        try "inner".write(toFile: web + "/sub/inner.txt", atomically: true, encoding: .utf8)
        try "SECRET".write(toFile: base + "/outside/secret.txt", atomically: true, encoding: .utf8)
        try files.createSymbolicLink(atPath: web + "/inside-link.txt", withDestinationPath: web + "/sub/inner.txt")
        try files.createSymbolicLink(atPath: web + "/escape.txt", withDestinationPath: base + "/outside/secret.txt")
        try files.createSymbolicLink(atPath: web + "/escape-dir", withDestinationPath: base + "/outside")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }
}

/// Runs `body` against a started server and stops it afterwards.
func withServer(_ configuration: HTTPServer.Configuration = .init(port: 0, loopCount: 2),
                setup: (HTTPServer) throws -> Void = { _ in }, _ body: (Int) throws -> Void) throws {
    var configuration = configuration
    configuration.port = 0
    let server = HTTPServer(configuration: configuration)
    try setup(server)
    try server.start()
    defer { server.stop() }
    try body(server.port)
}

@Suite struct HTTPServerTests {
    static func api(_ server: HTTPServer) {
        server.route("GET", "/api/echo") { request in
            .json(200, object: ["path": request.path, "query": request.query, "method": request.method])
        }
        server.route("POST", "/api/echo") { request in .text(200, request.bodyText) }
        server.route("GET", "/api/items/*") { request in .text(200, "item " + request.path.dropFirst(11)) }
        server.routeDeferred("GET", "/api/slow") { request, responder in
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
                responder.respond(.text(200, "slow " + (request.query["n"] ?? "")))
            }
        }
    }

    @Test func routesWithQueryAndKeepAlive() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            let first = try client.get("/api/echo?feed=usgs&limit=5")
            #expect(first.status == 200)
            #expect(first.header("content-type")?.hasPrefix("application/json") == true)
            let json = try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any]
            #expect(json?["query"] as? [String: String] == ["feed": "usgs", "limit": "5"])
            let second = try client.get("/api/items/42")
            #expect(second.status == 200 && second.body == Array("item 42".utf8))
            try client.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde")
            #expect(try client.readResponse().body == Array("abcde".utf8))
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderIncludingDeferredOnes() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("GET /api/slow?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/items/a HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "GET /api/slow?n=2 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /api/items/b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().body == Array("slow 1".utf8))
            #expect(try client.readResponse().body == Array("item a".utf8))
            #expect(try client.readResponse().body == Array("slow 2".utf8))
            let head = try client.readResponse(bodyless: true)
            #expect(head.status == 200 && head.header("content-length") == "6")
            #expect(try client.get("/api/items/c").body == Array("item c".utf8))
        }
    }

    @Test func halfClosedClientStillGetsItsPipelinedAnswers() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("GET /api/slow?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/items/z HTTP/1.1\r\nHost: x\r\n\r\n")
            shutdown(client.socket.fd, Int32(SHUT_WR))
            #expect(try client.readResponse().body == Array("slow 1".utf8))
            #expect(try client.readResponse().body == Array("item z".utf8))
            #expect(client.serverClosed())
        }
    }

    @Test func methodErrors() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("DELETE /api/echo HTTP/1.1\r\nHost: x\r\n\r\n")
            let notAllowed = try client.readResponse()
            #expect(notAllowed.status == 405)
            #expect(notAllowed.header("allow") == "GET, POST, HEAD")
            try client.send("BREW /api/echo HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 501)
            #expect(client.serverClosed())
        }
    }

    @Test func malformedRequestGets400AndClose() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("GET /api/echo HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("connection") == "close")
            #expect(client.serverClosed())
        }
    }

    @Test func oversizedHeadersGet431AndClose() throws {
        try withServer(setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("GET /api/echo HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "z", count: 17 * 1024))\r\n\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.serverClosed())
        }
    }

    @Test func oversizedBodyGets413() throws {
        try withServer(.init(port: 0, loopCount: 1, maxBodyBytes: 1000), setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            #expect(client.serverClosed())
        }
    }

    @Test func slowlorisIsCutOffAfterTheRequestTimeout() throws {
        try withServer(.init(port: 0, loopCount: 1, requestTimeout: 0.3, idleTimeout: 30), setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            try client.send("GET /api/echo HTTP/1.1\r\n")
            for _ in 0..<3 {
                usleep(150_000)
                try? client.send("X-Drip: 1\r\n")
            }
            #expect(try client.readResponse().status == 408)
            #expect(client.serverClosed())
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        try withServer(.init(port: 0, loopCount: 1, requestTimeout: 5, idleTimeout: 0.3), setup: Self.api) { port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.get("/api/echo").status == 200)
            #expect(client.serverClosed())
        }
    }

    @Test func staticFilesWithETagAnd304AndGzip() throws {
        let site = try TemporarySite()
        try withServer(setup: { try $0.serveStatic(directory: site.web) }) { port in
            let client = try HTTPTestClient(port: port)
            let index = try client.get("/")
            #expect(index.status == 200)
            #expect(index.header("content-type") == "text/html; charset=utf-8")
            #expect(String(decoding: index.body, as: UTF8.self).contains("<title>Vigie</title>"))
            let etag = try #require(index.header("etag"))
            let again = try client.get("/index.html", headers: ["If-None-Match": etag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("etag") == etag)
            let plain = try client.get("/app.js")
            #expect(plain.header("content-type") == "text/javascript; charset=utf-8")
            #expect(plain.body == Array(site.appJS.utf8))
            #expect(plain.header("content-encoding") == nil)
            let zipped = try client.get("/app.js", headers: ["Accept-Encoding": "gzip, br"])
            #expect(zipped.header("content-encoding") == "gzip")
            #expect(zipped.header("vary") == "Accept-Encoding")
            #expect(Gzip.decompress(zipped.body) == Array(site.appJS.utf8))
            #expect(try client.get("/inside-link.txt").body == Array("inner".utf8))
            #expect(try client.get("/sub/inner.txt").status == 200)
            try client.send("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(try client.readResponse().status == 405)
        }
    }

    @Test(arguments: [
        "/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/%2E%2E%2Foutside%2Fsecret.txt",
        "/sub/../../outside/secret.txt", "/..%2f..%2foutside/secret.txt", "//etc/passwd", "/etc/passwd",
        "/escape.txt", "/escape-dir/secret.txt", "/sub/%2e%2e/%2e%2e/outside/secret.txt", "/..\\outside\\secret.txt",
        "/nonexistent.html",
    ])
    func traversalAttemptsAre404(target: String) throws {
        let site = try TemporarySite()
        try withServer(setup: { try $0.serveStatic(directory: site.web) }) { port in
            let client = try HTTPTestClient(port: port)
            let response = try client.get(target)
            #expect(response.status == 404, "\(target) -> \(response.status)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains("SECRET"))
        }
    }

    @Test func filterAnswersBeforeRouting() throws {
        try withServer(setup: { server in
            Self.api(server)
            server.filter = { request in
                request.query["token"] == "t" || request.headers["Authorization"] == "Bearer t" ? nil : .error(401, "token required")
            }
        }) { port in
            let client = try HTTPTestClient(port: port)
            #expect(try client.get("/api/echo").status == 401)
            #expect(try client.get("/api/echo?token=t").status == 200)
            #expect(try client.get("/api/echo", headers: ["Authorization": "Bearer t"]).status == 200)
        }
    }

    @Test func stoppingTheServerClosesItsConnections() throws {
        let server = HTTPServer(configuration: .init(port: 0, loopCount: 1))
        Self.api(server)
        try server.start()
        let client = try HTTPTestClient(port: server.port)
        #expect(try client.get("/api/echo").status == 200)
        server.stop()
        #expect(client.serverClosed())
        #expect(throws: (any Error).self) { _ = try HTTPTestClient(port: server.port) }
    }

    @Test func missingWebDirectoryIsAClearError() {
        #expect(throws: StaticFilesError.self) { try StaticFiles(directory: "/nonexistent/vigie-web") }
    }
}
