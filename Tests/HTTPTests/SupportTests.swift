import Testing
@testable import HTTP

@Suite struct SupportTests {
    @Test func percentDecoding() {
        #expect(PercentDecoding.decode("/a%20b/%2e%2e") == "/a b/..")
        #expect(PercentDecoding.decode("%") == nil)
        #expect(PercentDecoding.decode("%C3") == nil)
        #expect(PercentDecoding.query("a=1&b=&c&d=x+y%2B") == ["a": "1", "b": "", "c": "", "d": "x y+"])
    }

    @Test func mimeTypes() {
        #expect(MIMETypes.type(forPath: "/web/app.js") == "text/javascript; charset=utf-8")
        #expect(MIMETypes.type(forPath: "/web/INDEX.HTML") == "text/html; charset=utf-8")
        #expect(MIMETypes.type(forPath: "/web/x.png") == "image/png")
        #expect(MIMETypes.type(forPath: "/web.d/noext") == "application/octet-stream")
    }

    @Test func gzipRoundTrip() throws {
        let text = Array(String(repeating: "vigie dashboard ", count: 500).utf8)
        let compressed = try #require(Gzip.compress(text))
        #expect(compressed.count < text.count / 10)
        #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])
        #expect(Gzip.decompress(compressed) == text)
        #expect(Gzip.decompress([1, 2, 3]) == nil)
    }

    @Test func responseSerialization() {
        let response = HTTPResponse.json(200, "{}")
        let text = String(decoding: response.serialized(keepAlive: false), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Content-Length: 2\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\n{}"))
        let head = String(decoding: response.serialized(keepAlive: true, headOnly: true), as: UTF8.self)
        #expect(head.hasSuffix("Content-Length: 2\r\nCache-Control: no-store\r\n\r\n") || head.hasSuffix("\r\n\r\n"))
        #expect(!head.contains("{}"))
    }

    @Test func acceptEncoding() {
        #expect(StaticFiles.acceptsGzip("gzip, deflate, br"))
        #expect(StaticFiles.acceptsGzip("deflate;q=1, GZIP;q=0.5"))
        #expect(!StaticFiles.acceptsGzip("gzip;q=0"))
        #expect(!StaticFiles.acceptsGzip("br"))
        #expect(!StaticFiles.acceptsGzip(nil))
    }

    @Test func etagConditions() {
        #expect(StaticFiles.matches("\"abc\"", etag: "\"abc\""))
        #expect(StaticFiles.matches("\"x\", W/\"abc\"", etag: "\"abc\""))
        #expect(StaticFiles.matches("*", etag: "\"abc\""))
        #expect(!StaticFiles.matches("\"abd\"", etag: "\"abc\""))
    }
}
