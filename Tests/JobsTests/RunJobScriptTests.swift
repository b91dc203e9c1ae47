import Foundation
import Testing

/// cron/run-job.sh: per-job lock, timestamped log, exit status passed through.
@Suite struct RunJobScriptTests {
    /// A throwaway project with a copy of run-job.sh and a fake vigie that sleeps and exits as told.
    static func makeProject() throws -> (directory: String, fakeVigie: String) {
        let directory = try TestFixtures.temporaryDirectory("runjob")
        try FileManager.default.createDirectory(atPath: directory + "/cron", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestFixtures.projectDirectory + "/cron/run-job.sh",
                                         toPath: directory + "/cron/run-job.sh")
        let fake = directory + "/fake-vigie"
        try """
            #!/bin/sh
            echo "fake vigie $*"
            echo "to stderr" >&2
            [ -n "${FAKE_SLEEP:-}" ] && sleep "$FAKE_SLEEP"
            exit "${FAKE_STATUS:-0}"
            """.write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        return (directory, fake)
    }

    static func start(_ project: String, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: project + "/cron/run-job.sh")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"].merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        try process.run()
        return process
    }

    @Test func aSecondRunWhileTheFirstRunsIsSkippedAndLogged() throws {
        let (project, fake) = try Self.makeProject()
        defer { try? FileManager.default.removeItem(atPath: project) }
        let log = project + "/var/logs/fetch-usgs.log"

        let first = try Self.start(project, ["fetch", "usgs"], environment: ["VIGIE_BIN": fake, "FAKE_SLEEP": "3", "FAKE_STATUS": "4"])
        // Wait until the first run holds the lock (its start line is logged after flock succeeds).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !((try? String(contentsOfFile: log, encoding: .utf8))?.contains("fake vigie fetch usgs") ?? false) {
            usleep(50_000)
        }
        let second = try Self.start(project, ["fetch", "usgs"], environment: ["VIGIE_BIN": fake])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(first.isRunning, "the second run should not have waited for the first")

        // Another job has its own lock and runs meanwhile.
        let other = try Self.start(project, ["fetch", "velib"], environment: ["VIGIE_BIN": fake, "FAKE_STATUS": "3"])
        other.waitUntilExit()
        #expect(other.terminationStatus == 3)

        first.waitUntilExit()
        #expect(first.terminationStatus == 4)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.contains("event=job_skipped") }.count == 1)
        #expect(lines.filter { $0.contains("event=job_start") }.count == 1)
        #expect(lines.contains { $0.contains("event=job_end status=4") })
        #expect(lines.contains { $0.hasSuffix("job=fetch-usgs to stderr") })
        // Every line starts with a UTC timestamp.
        #expect(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ job=fetch-usgs "#, options: .regularExpression) != nil })
        let velibLog = try String(contentsOfFile: project + "/var/logs/fetch-velib.log", encoding: .utf8)
        #expect(velibLog.contains("event=job_end status=3"))
    }

    @Test func loadsTheEnvironmentFileAndRunsAfterTheLockIsFree() throws {
        let (project, fake) = try Self.makeProject()
        defer { try? FileManager.default.removeItem(atPath: project) }
        try FileManager.default.createDirectory(atPath: project + "/var", withIntermediateDirectories: true)
        try "FAKE_STATUS=5\n".write(toFile: project + "/var/vigie.env", atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let run = try Self.start(project, ["rollup"], environment: ["VIGIE_BIN": fake])
            run.waitUntilExit()
            #expect(run.terminationStatus == 5)
        }
        let text = try String(contentsOfFile: project + "/var/logs/rollup.log", encoding: .utf8)
        #expect(text.components(separatedBy: "event=job_start").count == 3)
        #expect(!text.contains("job_skipped"))
    }
}
