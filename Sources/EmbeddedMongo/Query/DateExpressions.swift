import BSON

/// Date operators, in UTC only: `$dateTrunc`, `$dateToString` and the date-part extractors.
enum DateExpressions {
    static let millisecondsPerDay: Int64 = 86_400_000
    /// MongoDB counts `$dateTrunc` bins from 2000-01-01T00:00:00Z.
    static let referenceMilliseconds: Int64 = 946_684_800_000

    /// Absent named arguments evaluate to missing.
    private static let absent = Expression.variable("REMOVE", [])

    private static func namedArguments(_ operatorName: String, _ argument: BSONValue, allowed: [String],
                                       required: [String]) throws(CommandError) -> [Expression] {
        guard case .document(let document) = argument else {
            throw .badValue("\(operatorName) only supports an object as its argument")
        }
        for key in document.keys where !allowed.contains(key) {
            throw .badValue("Unrecognized argument to \(operatorName): \(key)")
        }
        var compiled = [Expression]()
        for name in allowed {
            if let value = document[name] {
                compiled.append(try ExpressionEvaluator.compileNested(value))
            } else {
                guard !required.contains(name) else { throw .badValue("Missing '\(name)' parameter to \(operatorName)") }
                compiled.append(absent)
            }
        }
        return compiled
    }

    static func checkTimezone(_ value: BSONValue?, _ operatorName: String) throws(CommandError) {
        guard let value else { return }
        guard case .string(let zone) = value, ["UTC", "GMT", "Z", "+00:00", "+0000", "Etc/UTC", "+00"].contains(zone) else {
            throw .notImplemented("\(operatorName) with timezone \(value) (only UTC)")
        }
    }

    static func date(_ value: BSONValue, _ operatorName: String) throws(CommandError) -> Int64 {
        switch value {
        case .datetime(let milliseconds): return milliseconds
        case .objectId(let id): return Int64(id.timestamp) * 1000
        case .timestamp(let seconds, _): return Int64(seconds) * 1000
        default:
            throw CommandError(code: 16006, codeName: "Location16006", message: "\(operatorName) can't convert from BSON type \(value.typeName) to Date")
        }
    }

    static func compileDateTrunc(_ argument: BSONValue) throws(CommandError) -> Expression {
        let arguments = try namedArguments("$dateTrunc", argument, allowed: ["date", "unit", "binSize", "timezone", "startOfWeek"],
                                           required: ["date", "unit"])
        return .function(name: "$dateTrunc", arguments: arguments, body: ExpressionFunction { values throws(CommandError) in
            func isNullish(_ value: BSONValue?) -> Bool { value == nil || value == .null || value == .undefined }
            if isNullish(values[0]) || isNullish(values[1]) || (values[2] != nil && isNullish(values[2])) { return .null }
            try checkTimezone(values[3], "$dateTrunc")
            let milliseconds = try date(values[0]!, "$dateTrunc")
            guard case .string(let unit)? = values[1] else { throw .badValue("$dateTrunc requires 'unit' to be a string") }
            var binSize: Int64 = 1
            if let size = values[2] {
                guard size.isNumber, let whole = size.int64Value, whole > 0 else {
                    throw .badValue("$dateTrunc requires 'binSize' to be a positive whole number")
                }
                binSize = whole
            }
            return try truncate(milliseconds, unit: unit, binSize: binSize, startOfWeek: values[4]).map(BSONValue.datetime) ?? .null
        })
    }

    /// The start of the bin holding `milliseconds`; nil for a week whose `startOfWeek` is null (MongoDB returns null).
    static func truncate(_ milliseconds: Int64, unit: String, binSize: Int64, startOfWeek: BSONValue?) throws(CommandError) -> Int64? {
        let fixed: [String: Int64] = ["millisecond": 1, "second": 1000, "minute": 60_000, "hour": 3_600_000, "day": millisecondsPerDay]
        func width(_ unitLength: Int64) throws(CommandError) -> Int64 {
            let (product, overflow) = unitLength.multipliedReportingOverflow(by: binSize)
            guard !overflow else { throw .badValue("$dateTrunc binSize \(binSize) is too large for unit \(unit)") }
            return product
        }
        if let length = fixed[unit] {
            return floorBin(milliseconds, origin: referenceMilliseconds, width: try width(length))
        }
        switch unit {
        case "week":
            let days = ["sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
                        "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
            var weekStart: Int64 = 0
            if let startOfWeek {
                if startOfWeek == .null { return nil }
                guard case .string(let name) = startOfWeek, let day = days[name.lowercased()] else {
                    throw .badValue("$dateTrunc requires 'startOfWeek' to be a day name, not \(startOfWeek)")
                }
                weekStart = Int64(day)
            }
            // 2000-01-01 was a Saturday (day 6): the first week starts on the first `weekStart` day after it.
            let origin = referenceMilliseconds + ((weekStart - 6 + 7) % 7) * millisecondsPerDay
            return floorBin(milliseconds, origin: origin, width: try width(7 * millisecondsPerDay))
        case "month", "quarter", "year":
            let monthsPerUnit: Int64 = unit == "month" ? 1 : (unit == "quarter" ? 3 : 12)
            let (days, _) = floorDivide(milliseconds, millisecondsPerDay)
            let (year, month, _) = ISODate.civil(fromDays: days)
            let monthsSinceReference = (year - 2000) * 12 + (month - 1)
            let months = try width(monthsPerUnit)
            let bin = floorDivide(monthsSinceReference, months).0 * months
            let (startYear, startMonth) = floorDivide(bin, 12)
            return ISODate.days(fromCivil: 2000 + startYear, startMonth + 1, 1) * millisecondsPerDay
        default:
            throw .badValue("$dateTrunc parameter 'unit' value cannot be recognized as a time unit: \(unit)")
        }
    }

    private static func floorBin(_ value: Int64, origin: Int64, width: Int64) -> Int64 {
        origin + floorDivide(value - origin, width).0 * width
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        if value % divisor != 0, (value < 0) != (divisor < 0) { quotient -= 1 }
        return (quotient, value - quotient * divisor)
    }

    static func compileDateToString(_ argument: BSONValue) throws(CommandError) -> Expression {
        let arguments = try namedArguments("$dateToString", argument, allowed: ["date", "format", "timezone", "onNull"],
                                           required: ["date"])
        if case .literal(.string(let format)) = arguments[1] { try validate(format) }
        return .function(name: "$dateToString", arguments: arguments, body: ExpressionFunction { values throws(CommandError) in
            switch values[0] {
            case nil, .null?, .undefined?: return values[3] ?? .null
            default: break
            }
            try checkTimezone(values[2], "$dateToString")
            let milliseconds = try date(values[0]!, "$dateToString")
            var format = "%Y-%m-%dT%H:%M:%S.%LZ"
            if let given = values[1] {
                guard case .string(let text) = given else { throw .badValue("$dateToString requires that 'format' be a string") }
                format = text
            }
            return .string(try render(milliseconds, format: format))
        })
    }

    private static func validate(_ format: String) throws(CommandError) {
        _ = try render(0, format: format)
    }

    static func render(_ milliseconds: Int64, format: String) throws(CommandError) -> String {
        let parts = DateParts(milliseconds)
        var output = ""
        var iterator = format.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else { output.append(character); continue }
            guard let specifier = iterator.next() else {
                throw CommandError(code: 18535, codeName: "Location18535", message: "Unmatched '%' at end of format string")
            }
            switch specifier {
            case "Y": output += pad(parts.year, 4)
            case "m": output += pad(parts.month, 2)
            case "d": output += pad(parts.day, 2)
            case "H": output += pad(parts.hour, 2)
            case "M": output += pad(parts.minute, 2)
            case "S": output += pad(parts.second, 2)
            case "L": output += pad(parts.millisecond, 3)
            case "j": output += pad(parts.dayOfYear, 3)
            case "w": output += String(parts.dayOfWeek)
            case "%": output += "%"
            case "z": output += "+0000"
            default: throw .notImplemented("$dateToString format specifier %\(specifier)")
            }
        }
        return output
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Calendar fields of a UTC instant.
    struct DateParts {
        let year, month, day, hour, minute, second, millisecond, dayOfYear, dayOfWeek: Int64

        init(_ milliseconds: Int64) {
            let (days, dayMilliseconds) = DateExpressions.floorDivide(milliseconds, DateExpressions.millisecondsPerDay)
            (year, month, day) = ISODate.civil(fromDays: days)
            hour = dayMilliseconds / 3_600_000
            minute = dayMilliseconds / 60_000 % 60
            second = dayMilliseconds / 1000 % 60
            millisecond = dayMilliseconds % 1000
            dayOfYear = days - ISODate.days(fromCivil: year, 1, 1) + 1
            // 1970-01-01 was a Thursday; MongoDB numbers Sunday 1 ... Saturday 7.
            dayOfWeek = DateExpressions.floorDivide(days + 4, 7).1 + 1
        }
    }

    typealias Register = (String, ClosedRange<Int>?, @escaping @Sendable ([BSONValue?]) throws(CommandError) -> BSONValue?) -> Void

    /// `$year`, `$month`, `$dayOfMonth`, `$hour`, `$minute`, `$second`, `$millisecond`, `$dayOfYear`,
    /// `$dayOfWeek`: the date argument directly (the `{date, timezone}` form is not supported).
    static func registerDateParts(_ add: Register) {
        let extractors: [(String, @Sendable (DateParts) -> Int64)] = [
            ("$year", { $0.year }), ("$month", { $0.month }), ("$dayOfMonth", { $0.day }), ("$hour", { $0.hour }),
            ("$minute", { $0.minute }), ("$second", { $0.second }), ("$millisecond", { $0.millisecond }),
            ("$dayOfYear", { $0.dayOfYear }), ("$dayOfWeek", { $0.dayOfWeek }),
        ]
        for (name, extract) in extractors {
            add(name, 1...1) { values throws(CommandError) in
                guard let value = values[0], value != .null, value != .undefined else { return .null }
                if case .document = value { throw .notImplemented("\(name) with a {date, timezone} argument") }
                return .int32(Int32(extract(DateParts(try date(value, name)))))
            }
        }
    }
}
