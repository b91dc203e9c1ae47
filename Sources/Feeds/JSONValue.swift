/// A parsed JSON value; numbers keep their exact integer value when they have one.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `name` of an object, nil for other values or a missing member.
    public subscript(name: String) -> JSONValue? {
        if case .object(let members) = self { return members[name] }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A JSON number: its double value, and its exact integer value when written without fraction or exponent.
public struct JSONNumber: Sendable, Equatable {
    public let double: Double
    public let integer: Int64?

    public init(double: Double, integer: Int64?) {
        self.double = double
        self.integer = integer
    }

    /// Integer text for identifiers: exact for integers, and for integral doubles within Int64.
    public var integerText: String? {
        if let integer { return String(integer) }
        if double.rounded() == double, abs(double) < 9.0e15 { return String(Int64(double)) }
        return nil
    }
}
