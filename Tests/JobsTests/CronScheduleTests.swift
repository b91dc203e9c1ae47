import Foundation
import Testing
@testable import Jobs

@Suite struct CronScheduleTests {
    let utc = TimeZone(identifier: "UTC")!

    func date(_ text: String) -> Date {
        Date(timeIntervalSince1970: Double(ISODateText.seconds(text)))
    }

    func next(_ expression: String, after text: String) throws -> String? {
        try CronSchedule(expression).nextDate(after: date(text), timeZone: utc).map { ISOText.format($0) }
    }

    @Test func everyFifteenMinutes() throws {
        #expect(try next("*/15 * * * *", after: "2026-12-03T10:07:00Z") == "2026-12-03T10:15:00.000Z")
        #expect(try next("*/15 * * * *", after: "2026-12-03T10:45:00Z") == "2026-12-03T11:00:00.000Z")
        // Strictly after: a time on the schedule gives the following one.
        #expect(try next("*/15 * * * *", after: "2026-12-03T10:15:00Z") == "2026-12-03T10:30:00.000Z")
        #expect(try next("* * * * *", after: "2026-12-03T10:15:30Z") == "2026-12-03T10:16:00.000Z")
    }

    @Test func weekdaysAtThree() throws {
        // 2026-12-04 is a Friday: the next weekday after Friday 03:00 is Monday the 7th.
        #expect(try next("0 3 * * 1-5", after: "2026-12-04T03:00:00Z") == "2026-12-07T03:00:00.000Z")
        #expect(try next("0 3 * * 1-5", after: "2026-12-03T02:59:00Z") == "2026-12-03T03:00:00.000Z")
    }

    @Test func firstAndFifteenth() throws {
        #expect(try next("0 0 1,15 * *", after: "2026-12-03T12:00:00Z") == "2026-12-15T00:00:00.000Z")
        #expect(try next("0 0 1,15 * *", after: "2026-12-15T00:00:00Z") == "2027-01-01T00:00:00.000Z")
    }

    @Test func namesOfMonthsAndDays() throws {
        // First Monday of January or July after December 2026: Monday 2027-01-04.
        #expect(try next("30 9 * jan,jul mon", after: "2026-12-03T00:00:00Z") == "2027-01-04T09:30:00.000Z")
        #expect(try next("0 0 * * SUN", after: "2026-12-03T00:00:00Z") == "2026-12-06T00:00:00.000Z")
        // 7 is Sunday too.
        #expect(try next("0 0 * * 7", after: "2026-12-03T00:00:00Z") == "2026-12-06T00:00:00.000Z")
        #expect(try next("0 0 1 mar-may *", after: "2026-12-03T00:00:00Z") == "2027-03-01T00:00:00.000Z")
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th OR any Friday (Fridays of December 2026: 4, 11, 18, 25; the 13th is a Sunday).
        var dates: [String] = []
        var cursor = date("2026-12-03T00:00:00Z")
        let schedule = try CronSchedule("0 12 13 * fri")
        for _ in 0..<4 {
            cursor = try #require(schedule.nextDate(after: cursor, timeZone: utc))
            dates.append(String(ISOText.format(cursor).prefix(10)))
        }
        #expect(dates == ["2026-12-04", "2026-12-11", "2026-12-13", "2026-12-18"])
        // A `*`-based day field means AND: odd days that are Fridays (11th and 25th).
        #expect(try next("0 12 */2 * fri", after: "2026-12-03T00:00:00Z") == "2026-12-11T12:00:00.000Z")
        #expect(try next("0 12 */2 * fri", after: "2026-12-11T12:00:00Z") == "2026-12-25T12:00:00.000Z")
    }

    @Test func rangesWithStepsAndShortcuts() throws {
        let schedule = try CronSchedule("10-40/10 8-9 * * *")
        #expect(schedule.minutes.allowed == [10, 20, 30, 40])
        #expect(schedule.hours.allowed == [8, 9])
        #expect(try CronSchedule("5/20 * * * *").minutes.allowed == [5, 25, 45])
        #expect(try next("@hourly", after: "2026-12-03T10:07:00Z") == "2026-12-03T11:00:00.000Z")
        #expect(try next("@daily", after: "2026-12-03T10:07:00Z") == "2026-12-04T00:00:00.000Z")
        #expect(try next("0 0 31 2 *", after: "2026-12-03T10:07:00Z") == nil)
    }

    @Test func matchesTheMinute() throws {
        let schedule = try CronSchedule("5 * * * *")
        #expect(schedule.matches(date("2026-12-03T10:05:00Z"), timeZone: utc))
        #expect(schedule.matches(date("2026-12-03T10:05:59Z"), timeZone: utc))
        #expect(!schedule.matches(date("2026-12-03T10:06:00Z"), timeZone: utc))
    }

    @Test func badExpressionsAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("60 * * * *", "out of range 0-59 in minute"),
            ("* * * *", "has 4 fields"),
            ("5-1 * * * *", "goes backwards"),
            ("*/0 * * * *", "step"),
            ("* * * foo *", "'foo' is not a number or a name in month"),
            ("* * 0 * *", "out of range 1-31"),
            ("@reboot", "unsupported shortcut"),
            ("1,,2 * * * *", "empty item"),
        ]
        for (expression, reason) in cases {
            do {
                _ = try CronSchedule(expression)
                Issue.record("'\(expression)' was accepted")
            } catch {
                #expect(error.message.contains(reason), "'\(expression)': \(error.message)")
            }
        }
    }
}

/// Whole seconds of an ISO time, for building test dates.
enum ISODateText {
    static func seconds(_ text: String) -> Int64 {
        (ISOText.parse(text).map { Int64($0.timeIntervalSince1970) })!
    }
}
