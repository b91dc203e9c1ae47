/// One of the five fields of a cron schedule: the set of values it allows.
struct CronField: Sendable, Equatable {
    let allowed: Set<Int>
    /// The field was written starting with `*` (`*`, `*/15`): cron's day-of-month/day-of-week rule needs it.
    let isStar: Bool

    /// Parses `*`, `N`, `A-B`, lists `A,B-C`, steps `*/S`, `A-B/S`, `A/S` and names (for months and weekdays).
    init(_ text: String, range: ClosedRange<Int>, names: [String: Int] = [:], what: String) throws(CronScheduleError) {
        guard !text.isEmpty else { throw CronScheduleError("empty \(what) field") }
        var allowed = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw CronScheduleError("empty item in \(what) field '\(text)'") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw CronScheduleError("'\(part)' in \(what) field has more than one '/'") }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value > 0 else {
                    throw CronScheduleError("step '\(pieces[1])' in \(what) field must be a whole number > 0")
                }
                step = value
            }
            let base = pieces[0]
            var low: Int, high: Int
            if base == "*" {
                low = range.lowerBound
                high = range.upperBound
            } else if let dash = base.firstIndex(of: "-") {
                low = try Self.value(String(base[..<dash]), range: range, names: names, what: what)
                high = try Self.value(String(base[base.index(after: dash)...]), range: range, names: names, what: what)
                guard low <= high else { throw CronScheduleError("range '\(base)' in \(what) field goes backwards") }
            } else {
                low = try Self.value(String(base), range: range, names: names, what: what)
                // "A/S" means from A to the end, as Vixie cron and cronie read it.
                high = pieces.count == 2 ? range.upperBound : low
            }
            for value in stride(from: low, through: high, by: step) { allowed.insert(value) }
        }
        self.allowed = allowed
        isStar = text.hasPrefix("*")
    }

    func contains(_ value: Int) -> Bool { allowed.contains(value) }

    private static func value(_ text: String, range: ClosedRange<Int>, names: [String: Int], what: String) throws(CronScheduleError) -> Int {
        if let named = names[text.lowercased()] { return named }
        guard let number = Int(text) else {
            throw CronScheduleError("'\(text)' is not a number\(names.isEmpty ? "" : " or a name") in \(what) field")
        }
        guard range.contains(number) else {
            throw CronScheduleError("\(number) is out of range \(range.lowerBound)-\(range.upperBound) in \(what) field")
        }
        return number
    }
}

/// A cron expression that cannot be used, with the reason.
public struct CronScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
