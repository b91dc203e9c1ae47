import BSON
import EmbeddedMongo
import Feeds
import Foundation
import Jobs
import Mongo

/// The database the integration tests use: `MONGODB_URI` when set (a real replica set), otherwise the embedded
/// store, started once in this test process on an ephemeral port with a temporary dbpath.
final class TestStore: @unchecked Sendable {
    static let shared = TestStore()

    // Set once by the lazy static initialiser; read-only afterwards.
    private let result: Result<String, FixtureServerError>
    private let server: StoreServer?

    private init() {
        if let uri = ProcessInfo.processInfo.environment["MONGODB_URI"], !uri.isEmpty {
            result = .success(uri)
            server = nil
            return
        }
        do {
            let directory = try TestFixtures.temporaryDirectory("store")
            let server = try StoreServer(configuration: StoreConfiguration(dbPath: directory))
            _ = try server.start()
            self.server = server
            result = .success(server.uri)
        } catch {
            server = nil
            result = .failure(FixtureServerError("the embedded store did not start: \(error)"))
        }
    }

    func uri() throws -> String { try result.get() }

    /// Settings for one test: a database of its own, a VIGIE_HOME of its own, short HTTP timeouts.
    static func settings(_ label: String = #function) throws -> JobSettings {
        var settings = JobSettings()
        settings.mongoURI = try shared.uri()
        settings.databaseName = "t_" + label.filter { $0.isLetter || $0.isNumber }.prefix(30) + "_" + ObjectId().hex.suffix(6)
        settings.home = try TestFixtures.temporaryDirectory("home")
        settings.httpTimeoutSeconds = 5
        settings.httpMaxAttempts = 3
        return settings
    }

    /// The collections of the test's database.
    static func store(_ settings: JobSettings) throws -> ReadingStore {
        try JobDatabase(settings: settings).store()
    }

    /// Drops the test's database and removes its home.
    static func cleanUp(_ settings: JobSettings) {
        if let client = try? MongoClient(uri: settings.mongoURI), let database = try? client.database(settings.databaseName) {
            try? database.drop()
        }
        try? FileManager.default.removeItem(atPath: settings.home)
    }
}

/// An HTTP client for tests: no real waiting between retries, the waits recorded instead.
final class RecordedSleeps: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var delays: [Double] = []

    var all: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return delays
    }

    func client(_ settings: JobSettings, log: JobLog) -> HTTPClient {
        var client = FetchRunner.httpClient(settings: settings, log: log)
        client.sleep = { [self] seconds in lock.lock(); delays.append(seconds); lock.unlock() }
        return client
    }
}
