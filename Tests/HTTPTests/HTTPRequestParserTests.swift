import Testing
@testable import HTTP

@Suite struct HTTPRequestParserTests {
    static let pipelined = Array((
        "GET /api/readings?feed=usgs&limit=10&q=a%20b+c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
        + "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world"
        + "\r\nGET /%C3%A9t%C3%A9 HTTP/1.0\nConnection: keep-alive\n\n"
    ).utf8)

    static func parseAll(_ chunks: [ArraySlice<UInt8>], limits: (Int, Int) = (16 * 1024, 1 << 20)) throws -> [HTTPRequest] {
        var parser = HTTPRequestParser(maxHeaderBytes: limits.0, maxBodyBytes: limits.1)
        var requests: [HTTPRequest] = []
        for chunk in chunks {
            parser.append(Array(chunk))
            while let request = try parser.next() { requests.append(request) }
        }
        return requests
    }

    static func check(_ requests: [HTTPRequest]) {
        #expect(requests.count == 3)
        guard requests.count == 3 else { return }
        #expect(requests[0].method == "GET")
        #expect(requests[0].path == "/api/readings")
        #expect(requests[0].query == ["feed": "usgs", "limit": "10", "q": "a b c"])
        #expect(requests[0].headers["accept"] == "*/*")
        #expect(requests[0].keepAlive)
        #expect(requests[1].method == "POST")
        #expect(requests[1].bodyText == "hello world")
        #expect(requests[1].headers["content-type"] == "text/plain")
        #expect(requests[2].path == "/été")
        #expect(requests[2].minorVersion == 0)
        #expect(requests[2].keepAlive)
    }

    @Test func pipelinedStreamInOneChunk() throws {
        Self.check(try Self.parseAll([Self.pipelined[...]]))
    }

    @Test func pipelinedStreamChoppedAtEveryPosition() throws {
        let bytes = Self.pipelined
        for cut in 1..<bytes.count {
            Self.check(try Self.parseAll([bytes[0..<cut], bytes[cut...]]))
        }
    }

    @Test func pipelinedStreamByteByByte() throws {
        Self.check(try Self.parseAll(Self.pipelined.indices.map { Self.pipelined[$0...$0] }))
    }

    @Test func headerSectionOverLimitIs431EvenBeforeItEnds() throws {
        var parser = HTTPRequestParser(maxHeaderBytes: 1024)
        parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 1100))".utf8))
        #expect(throws: HTTPParseError.headersTooLarge) { _ = try parser.next() }
    }

    @Test func bodyOverLimitIs413AssoonAsTheHeaderIsRead() throws {
        var parser = HTTPRequestParser(maxBodyBytes: 100)
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { _ = try parser.next() }
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("GET / HTXP/1.1\r\nHost: x\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET nopath HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
    ])
    func malformedRequestsGetTheirStatus(text: String, status: Int) throws {
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8))
        do {
            let request = try parser.next()
            Issue.record("expected \(status), parsed \(String(describing: request))")
        } catch let error as HTTPParseError {
            #expect(error.status == status, "\(text.debugDescription): \(error)")
        }
    }

    @Test func absoluteFormTargetUsesItsPath() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET http://example/a/b?x=1 HTTP/1.1\r\nHost: example\r\n\r\n".utf8))
        let request = try #require(try parser.next())
        #expect(request.path == "/a/b")
        #expect(request.query == ["x": "1"])
    }

    @Test func remainingBytesAfterARequestAreHandedOver() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n\u{1}\u{2}".utf8))
        #expect(try parser.next() != nil)
        #expect(parser.takeRemaining() == [1, 2])
    }

    @Test func connectionCloseAndHTTP10DefaultsDecideKeepAlive() throws {
        let closing = try Self.parseAll([Array("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.0\r\n\r\n".utf8)[...]])
        #expect(closing.map(\.keepAlive) == [false, false])
    }
}
