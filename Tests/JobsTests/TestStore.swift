import BSON
import Foundation
import Jobs
import Mongo
import TestSupport

/// Per-test databases on the shared test store (`MONGODB_URI` or the embedded store, see `EmbeddedTestStore`).
enum TestStore {
    /// Settings for one test: a database of its own, a VIGIE_HOME of its own, short HTTP timeouts.
    static func settings(_ label: String = #function) throws -> JobSettings {
        var settings = JobSettings()
        settings.mongoURI = try EmbeddedTestStore.shared.uri()
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
