import Foundation

/// Why one record is rejected; thrown while building a reading so no half-built reading escapes.
struct RecordRejection: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Typed access to the members of one payload record, tolerant of the drift APIs show
/// (numbers sent as strings, nulls) and strict about everything else.
struct RecordFields {
    let members: [String: JSONValue]

    init(_ members: [String: JSONValue]) { self.members = members }

    /// A number, or nil when absent or null. Numeric strings ("9587", " -1.5 ") are accepted;
    /// any other value rejects the record.
    func optionalNumber(_ name: String) throws(RecordRejection) -> Double? {
        try Self.number(members[name], name: name)
    }

    func requiredNumber(_ name: String) throws(RecordRejection) -> Double {
        guard let value = try optionalNumber(name) else { throw RecordRejection("missing \(name)") }
        return value
    }

    /// A string, or nil when absent or null; numbers are accepted and written as JSON wrote them.
    func optionalString(_ name: String) throws(RecordRejection) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)?: return number.integerText ?? String(number.double)
        case let other?: throw RecordRejection("\(name) is a \(other.kindName), expected a string")
        }
    }

    /// An identifier: a non-empty string, or an integer written exactly (ids above 2^31 and 2^53 alike).
    func requiredIdentifier(_ name: String) throws(RecordRejection) -> String {
        switch members[name] {
        case nil, .null?: throw RecordRejection("missing \(name)")
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw RecordRejection("empty \(name)") }
            return trimmed
        case .number(let number)?:
            guard let text = number.integerText else { throw RecordRejection("\(name) \(number.double) is not an integer") }
            return text
        case let other?: throw RecordRejection("\(name) is a \(other.kindName), expected a string or an integer")
        }
    }

    /// A flag sent as a boolean or as 0/1; nil when absent or null.
    func optionalFlag(_ name: String) throws(RecordRejection) -> Bool? {
        switch members[name] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .number(let number)? where number.double == 0 || number.double == 1: return number.double == 1
        case .string(let text)? where ["0", "1", "true", "false"].contains(text.lowercased()):
            return text == "1" || text.lowercased() == "true"
        case let other?: throw RecordRejection("\(name) is \(Self.show(other)), expected a flag (true/false or 0/1)")
        }
    }

    static func number(_ value: JSONValue?, name: String) throws(RecordRejection) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)?:
            guard number.double.isFinite else { throw RecordRejection("\(name) is out of range") }
            return number.double
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let parsed = Double(trimmed), parsed.isFinite else {
                throw RecordRejection("\(name) is \(show(.string(text))), not a number")
            }
            return parsed
        case let other?:
            throw RecordRejection("\(name) is \(show(other)), not a number")
        }
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "the string \"\(text.prefix(40))\""
        case .bool(let flag): return "the boolean \(flag)"
        case .number(let number): return "the number \(number.integerText ?? String(number.double))"
        default: return "a \(value.kindName)"
        }
    }
}
