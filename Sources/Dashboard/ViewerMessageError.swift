/// A viewer message the server could not use; the text goes back to the viewer.
public struct ViewerMessageError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
