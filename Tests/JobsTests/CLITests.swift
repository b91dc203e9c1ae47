import Foundation
import Mongo
import Testing
@testable import Jobs

/// The built `vigie` binary as cron runs it: exit codes and the stderr lines.
@Suite(.serialized) struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
        var lastLine: String { stderr.split(separator: "\n").last.map(String.init) ?? "" }
    }

    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["VIGIE_BIN"], !explicit.isEmpty { return explicit }
        let candidates = ["debug", "release"].map { TestFixtures.projectDirectory + "/.build/\($0)/vigie" }
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw FixtureServerError("no vigie binary in .build/debug or .build/release: run 'swift build' first (or set VIGIE_BIN)")
        }
        return found
    }

    static func vigie(_ arguments: [String], settings: JobSettings, extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "MONGODB_URI": settings.mongoURI,
                               "VIGIE_DB": settings.databaseName, "VIGIE_HOME": settings.home,
                               "VIGIE_HTTP_ATTEMPTS": "1", "VIGIE_HTTP_TIMEOUT": "5"].merging(extra) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                   stderr: String(decoding: errorData, as: UTF8.self))
    }

    @Test func fetchExitCodesAndTheStderrLine() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        let settings = harness.settings
        harness.server.script(APIPath.usgs, [.json(try TestFixtures.data("usgs/all_hour_2024-07-27.geojson")), .status(404, "gone")])

        let ok = try Self.vigie(["fetch", "usgs", "--url", harness.server.origin], settings: settings)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.lastLine.hasPrefix("event=fetch feed=usgs ok=true status=200 bytes=3086 records=4 inserted=4"), "\(ok.lastLine)")

        // VIGIE_URL_USGS replaces the origin like --url; the 404 is exit 3 with one clear line.
        let missing = try Self.vigie(["fetch", "usgs"], settings: settings, extra: ["VIGIE_URL_USGS": harness.server.origin])
        #expect(missing.status == 3)
        #expect(missing.lastLine.hasPrefix("vigie fetch usgs: "))
        #expect(missing.lastLine.contains("HTTP 404"))

        let usage = try Self.vigie(["fetch"], settings: settings)
        #expect(usage.status == 2)
        let unknown = try Self.vigie(["fetch", "weather"], settings: settings)
        #expect(unknown.status == 2)
        #expect(unknown.lastLine.contains("unknown feed 'weather'"))
        let badOrigin = try Self.vigie(["fetch", "usgs", "--url", "ftp://example"], settings: settings)
        #expect(badOrigin.status == 2)
    }

    @Test func databaseDownIsExitFiveAndReplayRecovers() throws {
        let harness = try FetchHarness()
        defer { harness.cleanUp() }
        harness.server.script(APIPath.usgs, [.json(try TestFixtures.data("usgs/all_hour_2022-10-01.geojson"))])
        var down = harness.settings
        down.mongoURI = "mongodb://127.0.0.1:1/?replicaSet=rs0&serverSelectionTimeoutMS=300&connectTimeoutMS=300"
        let failed = try Self.vigie(["fetch", "usgs", "--url", harness.server.origin], settings: down)
        #expect(failed.status == 5)
        #expect(failed.lastLine.contains("database unreachable"))
        let command = try #require(failed.lastLine.components(separatedBy: "run '").last?.components(separatedBy: "'").first)
        #expect(command.hasPrefix("vigie replay usgs "))
        let raw = String(command.dropFirst("vigie replay usgs ".count))
        #expect(FileManager.default.fileExists(atPath: raw))

        let replay = try Self.vigie(["replay", "usgs", raw], settings: harness.settings)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.lastLine.hasPrefix("event=replay feed=usgs ok=true files=1"))
        #expect(replay.lastLine.contains("inserted=5"))
        #expect(try harness.readings("usgs").count == 5)

        let feeds = try Self.vigie(["feeds"], settings: down)
        #expect(feeds.status == 5)
        #expect(feeds.stdout.contains("usgs") && feeds.stdout.contains("(database unreachable)"))
    }

    @Test func cronInstallTwiceLeavesOneBlock() throws {
        let directory = try TestFixtures.temporaryDirectory("clicron")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = try CrontabInstallerTests.fakeCrontab(in: directory)
        let settings = JobSettings(home: directory)
        let extra = ["VIGIE_CRONTAB_CMD": fake, "VIGIE_PROJECT": TestFixtures.projectDirectory]
        for _ in 0..<2 {
            let run = try Self.vigie(["cron", "install"], settings: settings, extra: extra)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let table = try String(contentsOfFile: directory + "/table", encoding: .utf8)
        #expect(table.components(separatedBy: "# BEGIN vigie").count == 2)
        let printed = try Self.vigie(["cron", "print"], settings: settings, extra: extra)
        #expect(table == printed.stdout)
        #expect(try Self.vigie(["cron", "uninstall"], settings: settings, extra: extra).status == 0)
        #expect(try String(contentsOfFile: directory + "/table", encoding: .utf8).isEmpty)
    }
}
