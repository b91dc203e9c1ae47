import EmbeddedMongo

/// The embedded store, started once in this test process on an ephemeral port.
final class EmbeddedTestStore: @unchecked Sendable {
    static let shared = EmbeddedTestStore()

    // Guarded by the lazy static initialiser: `uri()` only reads.
    private let result: Result<String, TestServer.Unavailable>

    private init() {
        result = .failure(
            TestServer.Unavailable(description: "the embedded store has not landed yet: set MONGODB_URI to run the Mongo layer tests"))
    }

    func uri() throws -> String { try result.get() }
}
