/// An incremental HTTP/1.x request parser: feed bytes as they arrive (chopped anywhere), take complete
/// requests out in order (pipelining). Bodies need Content-Length; transfer codings are refused.
public struct HTTPRequestParser {
    public var maxHeaderBytes: Int
    public var maxBodyBytes: Int

    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var pendingHead: HTTPRequest?
    private var pendingBodyLength = 0

    public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Bytes received and not yet consumed by a complete request.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Removes and returns the bytes after the last complete request (an upgraded protocol's first bytes).
    public mutating func takeRemaining() -> [UInt8] {
        let rest = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        scanned = 0
        return rest
    }

    /// The next complete request, or nil when more bytes are needed. After an error the parser is unusable.
    public mutating func next() throws -> HTTPRequest? {
        if pendingHead == nil {
            skipLeadingEmptyLines()
            guard let end = findHeaderEnd() else {
                if buffer.count - start > maxHeaderBytes { throw HTTPParseError.headersTooLarge }
                return nil
            }
            if end - start > maxHeaderBytes { throw HTTPParseError.headersTooLarge }
            let head = try Self.parseHead(buffer[start..<end])
            start = end
            scanned = end
            let length = try Self.contentLength(head.headers)
            if length > maxBodyBytes { throw HTTPParseError.bodyTooLarge }
            pendingHead = head
            pendingBodyLength = length
        }
        guard buffer.count - start >= pendingBodyLength, var request = pendingHead else { return nil }
        request.body = Array(buffer[start..<start + pendingBodyLength])
        start += pendingBodyLength
        scanned = start
        pendingHead = nil
        pendingBodyLength = 0
        compact()
        return request
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            start = 0
            scanned = 0
        } else if start > 32 * 1024 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
    }

    private mutating func skipLeadingEmptyLines() {
        while start < buffer.count {
            if buffer[start] == 10 {
                start += 1
            } else if buffer[start] == 13, start + 1 < buffer.count, buffer[start + 1] == 10 {
                start += 2
            } else {
                break
            }
        }
        scanned = max(scanned, start)
    }

    /// The index just past the blank line ending the header section (CRLF CRLF, or bare LFs).
    private mutating func findHeaderEnd() -> Int? {
        var index = max(scanned, start)
        while index < buffer.count {
            if buffer[index] == 10 {
                if index >= 1, buffer[index - 1] == 10, index - 1 >= start { return index + 1 }
                if index >= 2, buffer[index - 1] == 13, buffer[index - 2] == 10, index - 2 >= start { return index + 1 }
            }
            index += 1
        }
        scanned = index
        return nil
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) throws -> HTTPRequest {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        for index in bytes.indices where bytes[index] == 10 {
            var line = bytes[lineStart..<index]
            if line.last == 13 { line = line.dropLast() }
            lines.append(line)
            lineStart = index + 1
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { throw HTTPParseError.malformed("empty request") }
        var request = try parseRequestLine(requestLine)
        for line in lines.dropFirst() {
            request.headers.add(contentsOf: try parseHeaderLine(line))
        }
        if request.minorVersion == 1 && request.headers["Host"] == nil {
            throw HTTPParseError.malformed("HTTP/1.1 request without Host")
        }
        return request
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws -> HTTPRequest {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPParseError.malformed("bad request line")
        }
        guard parts[0].allSatisfy(isTokenByte) else { throw HTTPParseError.malformed("bad method") }
        guard parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else { throw HTTPParseError.malformed("bad request target") }
        let version = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, Array(version[0..<5]) == prefix, version[6] == UInt8(ascii: "."),
              isDigit(version[5]), isDigit(version[7]) else {
            throw HTTPParseError.malformed("bad HTTP version")
        }
        guard version[5] == UInt8(ascii: "1"), version[7] <= UInt8(ascii: "1") else {
            throw HTTPParseError.unsupportedVersion
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        var pathPart = Substring(target)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
            pathPart = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        } else if target == "*" {
            pathPart = "*"
        } else if !target.hasPrefix("/") {
            throw HTTPParseError.malformed("request target must start with /")
        }
        if let hash = pathPart.firstIndex(of: "#") { pathPart = pathPart[..<hash] }
        var rawPath = pathPart
        var query: [String: String] = [:]
        if let mark = pathPart.firstIndex(of: "?") {
            rawPath = pathPart[..<mark]
            guard let parsed = PercentDecoding.query(pathPart[pathPart.index(after: mark)...]) else {
                throw HTTPParseError.malformed("bad query escape")
            }
            query = parsed
        }
        guard let path = PercentDecoding.decode(rawPath) else { throw HTTPParseError.malformed("bad path escape") }
        return HTTPRequest(method: method, target: target, path: path, query: query,
                           minorVersion: Int(version[7] - UInt8(ascii: "0")))
    }

    private static func parseHeaderLine(_ line: ArraySlice<UInt8>) throws -> (String, String) {
        guard let first = line.first, first != 32, first != 9 else {
            throw HTTPParseError.malformed("obsolete header line folding")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw HTTPParseError.malformed("header without colon") }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw HTTPParseError.malformed("bad header name") }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 32 || byte == 9 { value = value.dropFirst() }
        while let byte = value.last, byte == 32 || byte == 9 { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 32 || $0 == 9 }), !value.contains(127) else {
            throw HTTPParseError.malformed("control character in header value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private static func contentLength(_ headers: HTTPHeaders) throws -> Int {
        let lengths = headers.values("Content-Length")
        if !headers.values("Transfer-Encoding").isEmpty {
            if !lengths.isEmpty { throw HTTPParseError.malformed("both Transfer-Encoding and Content-Length") }
            throw HTTPParseError.unsupportedTransferEncoding
        }
        guard let first = lengths.first else { return 0 }
        guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
              first.utf8.allSatisfy(isDigit), let value = Int(first) else {
            throw HTTPParseError.malformed("bad Content-Length")
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// RFC 9110 tchar.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true  // !#$%&'*+-.^_`|~
        default: return false
        }
    }
}

extension HTTPHeaders {
    mutating func add(contentsOf field: (String, String)) { add(field.0, field.1) }
}
