/// An ISO 8601 date-time as APIs write it: fields read as if UTC, plus the offset when one is written.
struct ISOTimestamp: Equatable {
    /// Seconds since 1970 of the written wall-clock time taken as UTC.
    let wallClockSeconds: Double
    /// The written offset from UTC in seconds (`Z` is 0); nil when the text has none (local time).
    let offsetSeconds: Int?

    /// The instant, using the written offset, or `fallbackOffset` for a local time without one.
    func utcSeconds(fallbackOffset: Int? = nil) -> Double? {
        guard let offset = offsetSeconds ?? fallbackOffset else { return nil }
        return wallClockSeconds - Double(offset)
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM|±HH]` (a space may replace `T`).
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0

        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func consume(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), consume(UInt8(ascii: "-")), let month = digits(2), consume(UInt8(ascii: "-")),
              let day = digits(2), consume(UInt8(ascii: "T")) || consume(UInt8(ascii: " ")),
              let hour = digits(2), consume(UInt8(ascii: ":")), let minute = digits(2) else { return nil }
        var second = 0.0
        if consume(UInt8(ascii: ":")) {
            guard let whole = digits(2) else { return nil }
            second = Double(whole)
            if consume(UInt8(ascii: ".")) || consume(UInt8(ascii: ",")) {
                var scale = 0.1
                var any = false
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    second += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), second < 61 else { return nil }

        var offset: Int?
        if consume(UInt8(ascii: "Z")) || consume(UInt8(ascii: "z")) {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), offsetHours <= 18 else { return nil }
            var offsetMinutes = 0
            if consume(UInt8(ascii: ":")) {
                guard let minutes = digits(2) else { return nil }
                offsetMinutes = minutes
            } else if index < bytes.count {
                guard let minutes = digits(2) else { return nil }
                offsetMinutes = minutes
            }
            guard offsetMinutes < 60 else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count else { return nil }

        let days = Self.daysFromCivil(year: year, month: month, day: day)
        wallClockSeconds = Double(days * 86_400 + hour * 3600 + minute * 60) + second
        offsetSeconds = offset
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
