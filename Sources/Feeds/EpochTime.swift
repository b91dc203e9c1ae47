import Foundation

/// Conversions between API epoch numbers and `Date`, refusing values that cannot be real observation times.
enum EpochTime {
    /// 2000-01-01T00:00:00Z: earlier "observation times" are clock faults (Citi Bike's 18001, ms read as s).
    static let earliest = 946_684_800.0
    /// 2100-01-01T00:00:00Z.
    static let latest = 4_102_444_800.0

    static func seconds(_ value: Double) -> Date? {
        guard value.isFinite, value >= earliest, value < latest else { return nil }
        return Date(timeIntervalSince1970: value)
    }

    static func milliseconds(_ value: Double) -> Date? {
        seconds(value / 1000)
    }

    /// ISO 8601 UTC with milliseconds, the project's date text (docs/API: `2024-07-27T08:03:00.000Z`).
    static func iso8601(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let milliseconds = Int(((totalMilliseconds % 1000) + 1000) % 1000)
        let totalSeconds = (totalMilliseconds - Int64(milliseconds)) / 1000
        let days = Int((totalSeconds - ((totalSeconds % 86_400) + 86_400) % 86_400) / 86_400)
        let secondOfDay = Int(totalSeconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(milliseconds, 3))Z"
    }

    /// The date of a day count since 1970-01-01 (inverse of `ISOTimestamp.daysFromCivil`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
