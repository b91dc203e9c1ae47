import BSON

/// Reads and checks query parameters, naming the parameter in every error.
struct QueryParameters {
    let values: [String: String]
    let knownFeeds: [String]

    /// A feed id among the known ones; required unless `optional`.
    func feed(optional: Bool = false) throws(BadParameter) -> String? {
        guard let text = values["feed"], !text.isEmpty else {
            if optional { return nil }
            throw BadParameter("feed", "missing parameter 'feed' (one of: \(knownFeeds.joined(separator: ", ")))")
        }
        guard knownFeeds.contains(text) else {
            throw BadParameter("feed", "unknown feed '\(text)' (one of: \(knownFeeds.joined(separator: ", ")))")
        }
        return text
    }

    /// Free text, nil when absent or empty.
    func string(_ name: String) -> String? {
        guard let text = values[name], !text.isEmpty else { return nil }
        return text
    }

    /// An ISO-8601 date ("2024-07-27", "2024-07-27T08:03:00Z", "…T08:03:00.000+02:00") in milliseconds.
    func date(_ name: String) throws(BadParameter) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let milliseconds = ISODate.parse(text) else {
            throw BadParameter(name, "parameter '\(name)' must be an ISO-8601 date such as 2024-07-27T08:03:00Z, not '\(text)'")
        }
        return milliseconds
    }

    /// A whole number in `range`, `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(BadParameter) -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw BadParameter(name, "parameter '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// Fails on `from` later than `to`.
    static func checkRange(from: Int64?, to: Int64?) throws(BadParameter) {
        if let from, let to, from > to {
            throw BadParameter("from", "parameter 'from' (\(ISODate.format(from))) is later than 'to' (\(ISODate.format(to)))")
        }
    }
}
