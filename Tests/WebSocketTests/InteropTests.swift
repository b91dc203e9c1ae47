#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A real, independent client (Node.js with Debian's node-ws) against the server: `vigie ws-echo`
/// as a subprocess, and the hub in-process.
@Suite struct InteropTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let script = testsDirectory.appendingPathComponent("interop/ws-client.js").path

    /// An executable on PATH, or nil.
    static func findOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The `vigie` executable built beside this test binary.
    static func vigieBinary() -> String? {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("vigie").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// Node with node-ws reachable, or a recorded failure saying what is missing.
    static func node() -> String? {
        guard let node = findOnPath("node") else {
            Issue.record("node is not installed: install Debian packages nodejs and node-ws (make deps)")
            return nil
        }
        guard FileManager.default.fileExists(atPath: "/usr/share/nodejs/ws/package.json") else {
            Issue.record("node-ws is not installed (/usr/share/nodejs/ws): install the Debian package node-ws (make deps)")
            return nil
        }
        return node
    }

    /// Starts the node client; `onLine` sees each stdout line as it arrives.
    static func runClient(node: String, url: String, mode: String, onLine: @escaping @Sendable (String) -> Void = { _ in })
        throws -> (status: Int32, output: [String], errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = [script, url, mode]
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = "/usr/share/nodejs" + (environment["NODE_PATH"].map { ":" + $0 } ?? "")
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let lines = LineCollector(onLine: onLine)
        output.fileHandleForReading.readabilityHandler = { handle in lines.append(handle.availableData) }
        try process.run()
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        lines.append(output.fileHandleForReading.readDataToEndOfFile())
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, lines.lines, errorText)
    }

    static func passedSteps(_ lines: [String]) -> [String] {
        lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["ok"] as? Bool == true else { return nil }
            return object["step"] as? String
        }
    }

    @Test func nodeWsClientAgainstVigieWsEcho() throws {
        guard let node = Self.node() else { return }
        guard let vigie = Self.vigieBinary() else {
            Issue.record("the vigie executable is not built next to the tests: run 'swift build' first")
            return
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: vigie)
        server.arguments = ["ws-echo", "--listen", "127.0.0.1:0"]
        let stdout = Pipe()
        server.standardOutput = stdout
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var ready = Data()
        while !ready.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            ready.append(chunk)
        }
        let line = String(decoding: ready, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("ready ws://127.0.0.1:"))
        let url = String(line.dropFirst("ready ".count))
        let result = try Self.runClient(node: node, url: url, mode: "echo")
        #expect(result.status == 0, "node client: \(result.errors)")
        #expect(Self.passedSteps(result.output) == ["text", "binary", "fragments", "large", "ping", "close"])
    }

    @Test func nodeWsClientReceivesHubBroadcasts() throws {
        guard let node = Self.node() else { return }
        let server = try TestServer()
        let hub = server.hub
        let result = try Self.runClient(node: node, url: "ws://127.0.0.1:\(server.port)/hub", mode: "hub") { line in
            if line.contains("\"subscribed\"") {
                hub.broadcast("b1", topic: "usgs")
                hub.broadcast("b2", topic: "velib")
            }
        }
        #expect(result.status == 0, "node client: \(result.errors)")
        #expect(Self.passedSteps(result.output) == ["subscribed", "broadcast", "close"])
    }
}

/// Splits a subprocess's output into lines as it arrives.
final class LineCollector: @unchecked Sendable {
    // @unchecked Sendable: `pending` and `collected` are guarded by `lock`.
    private let lock = NSLock()
    private var pending = Data()
    private var collected: [String] = []
    private let onLine: @Sendable (String) -> Void

    init(onLine: @escaping @Sendable (String) -> Void) {
        self.onLine = onLine
    }

    func append(_ data: Data) {
        lock.lock()
        pending.append(data)
        var complete: [String] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            complete.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
        collected += complete
        lock.unlock()
        complete.forEach(onLine)
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
