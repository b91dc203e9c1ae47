import Foundation

/// A five-field cron schedule (minute hour day-of-month month day-of-week) read as Vixie cron reads it:
/// lists, ranges, steps, month and weekday names, `@hourly`-style shortcuts, and the rule that when both
/// day fields are restricted a day matches if either does.
public struct CronSchedule: Sendable, Equatable {
    public let expression: String
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    /// 0-6 from Sunday; 7 is folded into 0.
    let daysOfWeek: CronField

    static let monthNames = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                             "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    static let weekdayNames = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
    static let shortcuts = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                            "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
                            "@hourly": "0 * * * *"]

    public init(_ expression: String) throws(CronScheduleError) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        var text = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = Self.shortcuts[trimmed.lowercased()] else {
                throw CronScheduleError("unsupported shortcut '\(trimmed)' (known: \(Self.shortcuts.keys.sorted().joined(separator: ", ")); @reboot is not a schedule)")
            }
            text = expanded
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronScheduleError("'\(expression)' has \(fields.count) fields, expected 5 (minute hour day-of-month month day-of-week)")
        }
        self.expression = trimmed
        minutes = try CronField(fields[0], range: 0...59, what: "minute")
        hours = try CronField(fields[1], range: 0...23, what: "hour")
        daysOfMonth = try CronField(fields[2], range: 1...31, what: "day-of-month")
        months = try CronField(fields[3], range: 1...12, names: Self.monthNames, what: "month")
        let weekdays = try CronField(fields[4], range: 0...7, names: Self.weekdayNames, what: "day-of-week")
        var folded = weekdays.allowed
        if folded.remove(7) != nil { folded.insert(0) }
        daysOfWeek = CronField(allowed: folded, isStar: weekdays.isStar)
    }

    /// Whether the schedule fires during the minute of `date` in `timeZone` (cron uses local time).
    public func matches(_ date: Date, timeZone: TimeZone = .current) -> Bool {
        let parts = Self.calendar(timeZone).dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        return minutes.contains(parts.minute!) && hours.contains(parts.hour!) && months.contains(parts.month!)
            && dayMatches(day: parts.day!, weekday: parts.weekday! - 1)
    }

    /// Vixie cron: if either day field is `*`-based, both must match; if both are restricted, either may.
    func dayMatches(day: Int, weekday: Int) -> Bool {
        if daysOfMonth.isStar || daysOfWeek.isStar {
            return daysOfMonth.contains(day) && daysOfWeek.contains(weekday)
        }
        return daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
    }

    /// The first minute strictly after `date` at which the schedule fires, nil if none within five years
    /// (e.g. `0 0 31 2 *`).
    public func nextDate(after date: Date, timeZone: TimeZone = .current) -> Date? {
        let calendar = Self.calendar(timeZone)
        guard var candidate = calendar.dateInterval(of: .minute, for: date)?.end else { return nil }
        let limit = date.addingTimeInterval(5 * 366 * 86_400)
        while candidate < limit {
            let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            if !months.contains(parts.month!) {
                candidate = calendar.dateInterval(of: .month, for: candidate)!.end
            } else if !dayMatches(day: parts.day!, weekday: parts.weekday! - 1) {
                candidate = calendar.dateInterval(of: .day, for: candidate)!.end
            } else if !hours.contains(parts.hour!) {
                candidate = calendar.dateInterval(of: .hour, for: candidate)!.end
            } else if !minutes.contains(parts.minute!) {
                candidate = candidate.addingTimeInterval(60)
            } else {
                return candidate
            }
        }
        return nil
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}

extension CronField {
    init(allowed: Set<Int>, isStar: Bool) {
        self.allowed = allowed
        self.isStar = isStar
    }
}
