#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A fan-out server started as a child process (so its CPU and memory can be measured alone).
final class FanoutServerProcess {
    enum Kind {
        case vigie(loops: Int)
        case node(executable: String, script: String)

        var name: String {
            switch self {
            case .vigie: return "vigie"
            case .node: return "node-ws"
            }
        }
    }

    let process = Process()
    let port: Int
    var pid: Int32 { process.processIdentifier }

    init(kind: Kind) throws {
        switch kind {
        case .vigie(let loops):
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["fanout-server", "--listen", "127.0.0.1:0", "--loops", "\(loops)"]
        case .node(let executable, let script):
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["--max-old-space-size=4096", script]
            var environment = ProcessInfo.processInfo.environment
            environment["NODE_PATH"] = "/usr/share/nodejs" + (environment["NODE_PATH"].map { ":" + $0 } ?? "")
            process.environment = environment
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("ready ws://"), let port = Int(text.split(separator: ":").last?.filter(\.isNumber) ?? "") else {
            process.terminate()
            throw BenchUsageError(description: "\(kind.name) server did not start (said '\(text)')")
        }
        self.port = port
    }

    /// SIGTERM, then SIGKILL if the server is still busy (a peer drowning in its backlog) after 2 s.
    func stop() {
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The node-ws peer, when node, node-ws and the script are present.
    static func nodePeer(script given: String) -> Kind? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let node = path.split(separator: ":").map({ "\($0)/node" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              FileManager.default.fileExists(atPath: "/usr/share/nodejs/ws/package.json") else { return nil }
        let candidates = [given, "Sources/vigie-bench/fanout-peer.js",
                          URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fanout-peer.js").path]
        guard let script = candidates.first(where: { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }) else { return nil }
        return .node(executable: node, script: script)
    }
}
