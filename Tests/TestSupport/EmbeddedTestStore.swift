import EmbeddedMongo
import Foundation

/// The database integration tests use: `MONGODB_URI` when set (a real replica set), otherwise the embedded store,
/// started once per test process on an ephemeral port with a temporary dbpath.
public final class EmbeddedTestStore: @unchecked Sendable {
    // @unchecked Sendable: both properties are written once by the lazy static initialiser, then only read.
    public static let shared = EmbeddedTestStore()

    private let result: Result<String, TestSetupError>
    private let server: StoreServer?

    private init() {
        if let uri = ProcessInfo.processInfo.environment["MONGODB_URI"], !uri.isEmpty {
            result = .success(uri)
            server = nil
            return
        }
        let directory = NSTemporaryDirectory() + "vigie-test-store-\(getpid())-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let server = try StoreServer(configuration: StoreConfiguration(dbPath: directory))
            _ = try server.start()
            self.server = server
            result = .success(server.uri)
        } catch {
            server = nil
            result = .failure(TestSetupError("could not start the embedded store in \(directory): \(error)"))
        }
    }

    /// The connection string; throws when the embedded store did not start.
    public func uri() throws -> String { try result.get() }
}
