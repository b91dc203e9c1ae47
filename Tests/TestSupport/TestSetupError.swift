/// A test could not set up what it needs (a socket, the store, a fixture, a binary): thrown so the test fails and says why.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
