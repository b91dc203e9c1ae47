#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Serves files under one root directory: MIME types, ETag / If-None-Match → 304, gzip when accepted.
/// Anything that would leave the root (`..`, encoded or not, absolute paths, symlinks pointing out)
/// is answered as not found.
public final class StaticFiles: @unchecked Sendable {
    // @unchecked Sendable: `root` is immutable; `gzipCache` is guarded by `cacheLock`.
    /// The resolved (symlink-free) root directory.
    public let root: String
    private let cacheLock = NSLock()
    private var gzipCache: [String: (etag: String, bytes: [UInt8])] = [:]

    /// Fails when `directory` is not an existing directory.
    public init(directory: String) throws {
        guard let resolved = StaticFiles.realPath(directory) else {
            throw StaticFilesError(message: "web directory '\(directory)' does not exist")
        }
        var info = stat()
        guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw StaticFilesError(message: "web directory '\(directory)' is not a directory")
        }
        root = resolved
    }

    /// The response for a GET/HEAD request, or nil when there is no such file inside the root.
    public func response(for request: HTTPRequest) -> HTTPResponse? {
        guard let file = resolve(request.path) else { return nil }
        var info = stat()
        guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let etag = "\"\(String(UInt64(info.st_size), radix: 16))-\(String(UInt64(info.st_mtim.tv_sec), radix: 16))\(String(UInt64(info.st_mtim.tv_nsec), radix: 16))\""
        let type = MIMETypes.type(forPath: file)
        let compressible = MIMETypes.isCompressible(type)
        var headers: [(String, String)] = [("ETag", etag), ("Cache-Control", "no-cache")]
        if compressible { headers.append(("Vary", "Accept-Encoding")) }
        if let condition = request.headers["If-None-Match"], StaticFiles.matches(condition, etag: etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        headers.append(("Content-Type", type))
        var body = [UInt8](data)
        if compressible, body.count >= 256, StaticFiles.acceptsGzip(request.headers["Accept-Encoding"]),
           let compressed = gzipped(file: file, etag: etag, body: body) {
            body = compressed
            headers.append(("Content-Encoding", "gzip"))
        }
        return HTTPResponse(status: 200, headers: headers, body: body)
    }

    /// The real path of the file `path` names inside the root, or nil if it is outside or absent.
    func resolve(_ path: String) -> String? {
        guard !path.contains("\\"), !path.contains("\0") else { return nil }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { return nil }
            segments.append(segment)
        }
        var candidate = root + "/" + segments.joined(separator: "/")
        var info = stat()
        if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            candidate += "/index.html"
        }
        guard let real = StaticFiles.realPath(candidate), real.hasPrefix(root + "/") else { return nil }
        return real
    }

    private func gzipped(file: String, etag: String, body: [UInt8]) -> [UInt8]? {
        cacheLock.lock()
        if let cached = gzipCache[file], cached.etag == etag {
            cacheLock.unlock()
            return cached.bytes
        }
        cacheLock.unlock()
        guard let compressed = Gzip.compress(body), compressed.count < body.count else { return nil }
        cacheLock.lock()
        if gzipCache.count > 512 { gzipCache.removeAll() }
        gzipCache[file] = (etag, compressed)
        cacheLock.unlock()
        return compressed
    }

    static func matches(_ condition: String, etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return condition.split(separator: ",").contains { item in
            let tag = item.trimmingSpaces()
            return tag == "*" || tag == bare || tag == "W/" + bare
        }
    }

    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { item in
            let parts = item.split(separator: ";")
            guard let coding = parts.first?.trimmingSpaces(), coding.caseInsensitiveEquals("gzip") || coding == "*" else { return false }
            for parameter in parts.dropFirst() {
                let text = parameter.trimmingSpaces()
                if text.hasPrefix("q="), let quality = Double(text.dropFirst(2)) { return quality > 0 }
            }
            return true
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// The web directory given to `StaticFiles` cannot be served.
public struct StaticFilesError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
