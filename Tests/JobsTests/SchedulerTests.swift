import Foundation
import Testing
@testable import Jobs

@Suite struct SchedulerTests {
    @Test func runsTheDueJobsThroughRunJobLikeCron() throws {
        let (project, fake) = try RunJobScriptTests.makeProject()
        defer { try? FileManager.default.removeItem(atPath: project) }
        try """
            # test schedule
            * * * * * @PROJECT@/cron/run-job.sh fetch usgs
            */15 * * * * @PROJECT@/cron/run-job.sh fetch openmeteo
            0 3 * * * @PROJECT@/cron/run-job.sh report
            """.write(toFile: project + "/cron/vigie.crontab", atomically: true, encoding: .utf8)
        let lines = LineCollector()
        let scheduler = try Scheduler(crontabPath: project + "/cron/vigie.crontab", projectDirectory: project,
                                      environment: ["VIGIE_BIN": fake, "PATH": "/usr/bin:/bin"],
                                      log: JobLog(sink: lines.append), timeZone: TimeZone(identifier: "UTC")!)
        #expect(scheduler.runDue(at: ISOText.parse("2026-12-03T10:15:00Z")!) == 2)
        let deadline = Date().addingTimeInterval(15)
        while scheduler.runningJobs > 0 && Date() < deadline { usleep(20_000) }
        #expect(scheduler.runningJobs == 0)
        let usgs = try String(contentsOfFile: project + "/var/logs/fetch-usgs.log", encoding: .utf8)
        #expect(usgs.contains("fake vigie fetch usgs"))
        #expect(FileManager.default.fileExists(atPath: project + "/var/logs/fetch-openmeteo.log"))
        #expect(!FileManager.default.fileExists(atPath: project + "/var/logs/report.log"))
        #expect(lines.all.filter { $0.hasPrefix("event=job_end") && $0.contains("status=0") }.count == 2)

        // start/stop: the timer thread ends promptly.
        scheduler.start()
        let stopStarted = Date()
        scheduler.stop()
        #expect(Date().timeIntervalSince(stopStarted) < 3)
    }

    @Test func theTimerStartsJobsAtTheMinuteBoundary() throws {
        let (project, fake) = try RunJobScriptTests.makeProject()
        defer { try? FileManager.default.removeItem(atPath: project) }
        try "* * * * * @PROJECT@/cron/run-job.sh fetch usgs\n17 3 * * * @PROJECT@/cron/run-job.sh report\n"
            .write(toFile: project + "/cron/vigie.crontab", atomically: true, encoding: .utf8)
        // A clock set so that the next minute boundary is 1.5 s away.
        let real = Date()
        let boundary = (real.timeIntervalSince1970 / 60).rounded(.up) * 60 + 60
        let offset = boundary - 1.5 - real.timeIntervalSince1970
        let lines = LineCollector()
        let scheduler = try Scheduler(crontabPath: project + "/cron/vigie.crontab", projectDirectory: project,
                                      environment: ["VIGIE_BIN": fake, "PATH": "/usr/bin:/bin"],
                                      log: JobLog(sink: lines.append), timeZone: TimeZone(identifier: "UTC")!,
                                      now: { Date().addingTimeInterval(offset) })
        scheduler.start()
        defer { scheduler.stop() }
        usleep(700_000)
        #expect(!lines.all.contains { $0.hasPrefix("event=job_start") }, "nothing runs before the boundary")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !lines.all.contains(where: { $0.hasPrefix("event=job_end") }) { usleep(50_000) }
        let starts = lines.all.filter { $0.hasPrefix("event=job_start") }
        #expect(starts.count == 1)
        #expect(starts.first?.contains("fetch usgs") == true)
        #expect(lines.all.contains { $0.hasPrefix("event=job_end") && $0.contains("status=0") })
    }

    @Test func stopTerminatesRunningJobs() throws {
        let (project, fake) = try RunJobScriptTests.makeProject()
        defer { try? FileManager.default.removeItem(atPath: project) }
        try "* * * * * @PROJECT@/cron/run-job.sh fetch velib\n".write(toFile: project + "/cron/vigie.crontab", atomically: true, encoding: .utf8)
        let scheduler = try Scheduler(crontabPath: project + "/cron/vigie.crontab", projectDirectory: project,
                                      environment: ["VIGIE_BIN": fake, "FAKE_SLEEP": "30", "PATH": "/usr/bin:/bin"],
                                      log: JobLog(sink: { _ in }))
        scheduler.start()
        #expect(scheduler.runDue(at: Date()) == 1)
        #expect(scheduler.runningJobs == 1)
        let started = Date()
        scheduler.stop(grace: 2)
        #expect(scheduler.runningJobs == 0)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aBadCrontabFailsAtOnce() throws {
        let directory = try TestFixtures.temporaryDirectory("badcron")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "* * * * *\n".write(toFile: directory + "/tab", atomically: true, encoding: .utf8)
        #expect(throws: CronScheduleError.self) {
            try Scheduler(crontabPath: directory + "/tab", projectDirectory: directory, environment: [:])
        }
    }
}

/// Collects log lines from any thread.
final class LineCollector: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    var append: @Sendable (String) -> Void { { [self] line in lock.lock(); lines.append(line); lock.unlock() } }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
