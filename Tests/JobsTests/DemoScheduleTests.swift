import BSON
import Foundation
import Mongo
import Testing
@testable import Jobs

/// What `vigie up --demo` does: the project's crontab, run by the Scheduler through run-job.sh and the built
/// vigie binary, with VIGIE_DEMO=1 so every fetch replays recorded payloads.
@Suite(.serialized) struct DemoScheduleTests {
    @Test func theProjectCrontabInDemoModeFillsEveryFeed() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        // A copy of cron/ (so no var/vigie.env of a developer's checkout is read), the real fixtures.
        let project = try TestFixtures.temporaryDirectory("demoproject")
        defer { try? FileManager.default.removeItem(atPath: project) }
        try FileManager.default.copyItem(atPath: TestFixtures.projectDirectory + "/cron", toPath: project + "/cron")

        var environment = Scheduler.jobEnvironment(base: ["PATH": "/usr/local/bin:/usr/bin:/bin"], mongoURI: settings.mongoURI, demo: true)
        environment["VIGIE_BIN"] = try CLITests.binary()
        environment["VIGIE_DB"] = settings.databaseName
        environment["VIGIE_HOME"] = settings.home
        environment["VIGIE_FIXTURES"] = TestFixtures.directory
        let scheduler = try Scheduler(crontabPath: project + "/cron/vigie.crontab", projectDirectory: project,
                                      environment: environment, log: JobLog(sink: { _ in }),
                                      timeZone: TimeZone(identifier: "UTC")!)
        // 10:15 UTC: the four fetches are due (not the rollup at :05 nor the report at 00:20).
        #expect(scheduler.runDue(at: RecordedDay.utc("2026-12-03T10:15:00Z")) == 4)
        let deadline = Date().addingTimeInterval(90)
        while scheduler.runningJobs > 0 && Date() < deadline { usleep(100_000) }
        #expect(scheduler.runningJobs == 0)

        let store = try TestStore.store(settings)
        for feed in ["usgs", "openmeteo", "velib", "eco2mix"] {
            let fetch = try store.fetches.findOne(["feed": .string(feed)])
            #expect(fetch?["ok"] == .bool(true), "\(feed): \(String(describing: fetch))")
            #expect(fetch?["source"] == "demo")
            #expect(try store.readings.countDocuments(["feed": .string(feed)]) > 0, "\(feed) has no readings")
            let log = try String(contentsOfFile: settings.home + "/logs/fetch-\(feed).log", encoding: .utf8)
            #expect(log.contains("event=fetch_demo feed=\(feed) ok=true"))
            #expect(log.contains("event=job_end status=0"))
        }
        // Times are moved to now, so the dashboard's live window shows them.
        let latest = try #require(try store.readings.findOne(["feed": "eco2mix"], sort: ["at": -1])?["at"]?.datetimeValue)
        #expect(abs(Double(latest) / 1000 - Date().timeIntervalSince1970) < 300)
    }
}
