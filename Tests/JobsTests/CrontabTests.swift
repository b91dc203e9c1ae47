import Foundation
import Testing
@testable import Jobs

@Suite struct CrontabTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test func theProjectScheduleParsesAndSubstitutesThePath() throws {
        let crontab = try Crontab(contentsOf: TestFixtures.projectDirectory + "/cron/vigie.crontab", projectDirectory: "/srv/my vigie")
        let commands = crontab.entries.map(\.command)
        #expect(commands == [
            "/srv/my\\ vigie/cron/run-job.sh fetch usgs", "/srv/my\\ vigie/cron/run-job.sh fetch velib",
            "/srv/my\\ vigie/cron/run-job.sh fetch openmeteo", "/srv/my\\ vigie/cron/run-job.sh fetch eco2mix",
            "/srv/my\\ vigie/cron/run-job.sh rollup", "/srv/my\\ vigie/cron/run-job.sh report",
        ])
        func due(_ time: String) -> [String] {
            let date = ISOText.parse(time)!
            return crontab.entries.filter { $0.schedule.matches(date, timeZone: utc) }
                .map { $0.command.components(separatedBy: "run-job.sh ")[1] }
        }
        #expect(due("2026-12-03T10:07:00Z") == ["fetch usgs", "fetch velib"])
        #expect(due("2026-12-03T10:15:00Z") == ["fetch usgs", "fetch velib", "fetch openmeteo", "fetch eco2mix"])
        #expect(due("2026-12-03T10:05:00Z") == ["fetch usgs", "fetch velib", "rollup"])
        #expect(due("2026-12-03T00:20:00Z") == ["fetch usgs", "fetch velib", "report"])
    }

    @Test func assignmentsCommentsAndErrors() throws {
        let crontab = try Crontab(text: """
            # comment
            MAILTO=""
            VIGIE_HOME = '/tmp/x'

            */5 * * * * echo one
            @daily echo two
            """)
        #expect(crontab.entries.count == 2)
        #expect(crontab.entries[0].environment == ["MAILTO": "", "VIGIE_HOME": "/tmp/x"])
        #expect(crontab.entries[1].command == "echo two")
        #expect(throws: CronScheduleError.self) { try Crontab(text: "*/5 * * * *\n") }
        do {
            _ = try Crontab(text: "ok=1\n61 * * * * echo\n")
            Issue.record("a bad minute was accepted")
        } catch {
            #expect(error.message.hasPrefix("line 2:"))
        }
    }
}
