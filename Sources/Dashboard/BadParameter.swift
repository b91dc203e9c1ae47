import BSON

/// A request parameter that is missing or malformed: answered 400 `{"error":…,"parameter":…}`.
public struct BadParameter: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let message: String

    public init(_ parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { message }

    /// The JSON body of the 400 answer.
    public var json: String {
        var text = "{\"error\":"
        PlainJSON.quote(message, into: &text)
        text += ",\"parameter\":"
        PlainJSON.quote(parameter, into: &text)
        return text + "}"
    }
}
