#if canImport(Glibc)
import Glibc
#endif
import BSON
import Dashboard
import EmbeddedMongo
import Foundation
import Mongo

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The embedded store in this process, on an ephemeral port, with its data in a temporary directory.
final class InProcessStore {
    let directory: TemporaryDirectory
    let server: StoreServer
    let uri: String

    init(oplogLimits: OplogLimits = OplogLimits()) throws {
        directory = try TemporaryDirectory("store")
        server = try StoreServer(configuration: StoreConfiguration(dbPath: directory.path, oplogLimits: oplogLimits))
        _ = try server.start()
        uri = server.uri
    }

    func stop() {
        server.stop()
        directory.remove()
    }
}

/// Runs the built `vigie` binary (VIGIE_BIN, else next to the test bundle) as a child process.
final class VigieProcess {
    let process = Process()
    private let output = Pipe()
    /// The first stdout line (the `ready …` announcement).
    private(set) var readyLine = ""

    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["VIGIE_BIN"], !explicit.isEmpty { return explicit }
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var directory = (bundle as NSString).deletingLastPathComponent
        // On Linux the tests run from …/debug/vigiePackageTests.xctest; the binary is beside it.
        while !directory.isEmpty && directory != "/" {
            let candidate = directory + "/vigie"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = (directory as NSString).deletingLastPathComponent
        }
        throw TestFailure("no vigie binary next to the tests: build it first (swift build) or set VIGIE_BIN")
    }

    /// Starts `vigie ARGUMENTS` and waits for its first stdout line, which must start with "ready ".
    init(_ arguments: [String], environment: [String: String], timeout: Double = 20) throws {
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        process.environment = variables
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        var line = [UInt8]()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else { break }
            if byte == 10 { break }
            line.append(byte)
        }
        readyLine = String(decoding: line, as: UTF8.self)
        guard readyLine.hasPrefix("ready ") else {
            process.terminate()
            process.waitUntilExit()
            throw TestFailure("vigie \(arguments.joined(separator: " ")) did not become ready (first line: '\(readyLine)')")
        }
    }

    /// The port of the `ready scheme://HOST:PORT/…` line.
    var port: Int {
        let address = readyLine.split(separator: "/", omittingEmptySubsequences: false)[safe: 2].map(String.init) ?? ""
        return Int(address.split(separator: ":").last ?? "") ?? 0
    }

    /// The address after "ready ".
    var announcedURL: String { String(readyLine.dropFirst("ready ".count)) }

    /// SIGTERM (or `signal`), then waits for the exit; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// A TCP port that was free a moment ago (for processes that must come back on the same port).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestFailure("cannot find a free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
@discardableResult
func waitUntil(_ timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// Starts a dashboard server in this process against `uri`, and waits until its change stream is open.
func startDashboard(uri: String, database: String = "vigie", token: String? = nil, webDirectory: String? = nil,
                    reportsDirectory: String? = nil, historyEntries: Int = 10_000) throws -> DashboardServer {
    var configuration = DashboardConfiguration(mongoURI: uri)
    configuration.port = 0
    configuration.databaseName = database
    configuration.token = token
    configuration.webDirectory = webDirectory
    configuration.reportsDirectory = reportsDirectory
    configuration.historyEntries = historyEntries
    configuration.serverSelectionTimeoutMS = 1000
    configuration.serverName = "vigie test"
    let server = try DashboardServer(configuration: configuration)
    try server.start()
    guard waitUntil(15, { server.fanout.isDatabaseUp }) else {
        server.stop()
        throw TestFailure("the dashboard's change stream did not open within 15 s")
    }
    return server
}

/// A reading document as the fetch jobs write them.
func readingDocument(feed: String = "usgs", key: String, at: Int64 = 1_722_067_380_000, value: Double = 1) -> Document {
    ["feed": .string(feed), "key": .string(key), "at": .datetime(at), "fetchedAt": .datetime(at + 1000),
     "values": ["mag": .double(value)], "tags": ["place": "test"], "geo": ["lon": 2.35, "lat": 48.85]]
}

/// The `doc.key` of a reading message's text, found without a JSON parser (fast enough for 200k messages).
func readingKey(_ text: String) -> String? {
    guard text.hasPrefix("{\"type\":\"reading\""), let range = text.range(of: "\"key\":\"") else { return nil }
    let rest = text[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
}

/// The offset of a message's text.
func messageOffset(_ text: String) -> Int? {
    guard let range = text.range(of: "\"offset\":") else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
}
