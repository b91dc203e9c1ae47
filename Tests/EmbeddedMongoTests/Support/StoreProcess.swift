import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `vigie store` running as a child process, for tests that must kill it for real.
final class StoreProcess {
    let process: Process
    let port: Int
    private let output: Pipe

    /// The `vigie` executable: $VIGIE_BIN, else beside the test bundle (.build/<config>/), else .build/debug.
    static func executable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["VIGIE_BIN"], !path.isEmpty { return path }
        var candidates = [String]()
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("vigie").path)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().appendingPathComponent("vigie").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/vigie").path)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw WireTestError(description: "the vigie executable was not found (looked at \(candidates.joined(separator: ", "))): "
            + "build it first with 'swift build --product vigie', or set VIGIE_BIN")
    }

    /// Starts `vigie store` on an ephemeral port and waits for its ready line.
    init(dbPath: String, sync: String = "full") throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = ["store", "--listen", "127.0.0.1:0", "--dbpath", dbPath, "--sync", sync]
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("\n"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("ready mongodb://127.0.0.1:"), let portText = line.split(separator: ":").last?.split(separator: "/").first,
              let port = Int(portText) else {
            process.terminate()
            throw WireTestError(description: "vigie store did not print its ready line (got '\(text)')")
        }
        self.port = port
    }

    func kill(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(SIGKILL) }
    }
}
