import EmbeddedMongo
import Foundation

/// The embedded store, started once in this test process on an ephemeral port with a temporary dbpath.
final class EmbeddedTestStore: @unchecked Sendable {
    static let shared = EmbeddedTestStore()

    // Written once by the lazy static initialiser, then only read.
    private let result: Result<String, TestServer.Unavailable>
    private let server: StoreServer?

    private init() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mongo-tests-\(getpid())").path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let server = try StoreServer(configuration: StoreConfiguration(dbPath: directory))
            _ = try server.start()
            self.server = server
            result = .success(server.uri)
        } catch {
            server = nil
            result = .failure(TestServer.Unavailable(description: "could not start the embedded store in \(directory): \(error)"))
        }
    }

    func uri() throws -> String { try result.get() }
}
