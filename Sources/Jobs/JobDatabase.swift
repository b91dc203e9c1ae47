import Foundation
import Mongo

/// The database connection of one job process: connects on first use and creates the indexes once.
public final class JobDatabase: @unchecked Sendable {
    // Used by the job's own thread only; the lock makes concurrent first uses safe anyway.
    private let lock = NSLock()
    private let settings: JobSettings
    private var opened: ReadingStore?
    private var client: MongoClient?

    public init(settings: JobSettings) {
        self.settings = settings
    }

    /// The collections, with indexes ensured; a failure is a `.database` JobFailure naming the URI.
    public func store() throws(JobFailure) -> ReadingStore {
        lock.lock()
        defer { lock.unlock() }
        if let opened { return opened }
        do {
            let client = try MongoClient(uri: settings.mongoURI)
            let store = try ReadingStore(client: client, databaseName: settings.databaseName)
            try store.ensureIndexes()
            self.client = client
            opened = store
            return store
        } catch let failure as JobFailure {
            throw failure
        } catch {
            throw Self.failure(error, doing: "connecting to the database")
        }
    }

    /// A database failure as one clear line: unreachable (start it / check MONGODB_URI) or refused.
    static func failure(_ error: Error, doing what: String) -> JobFailure {
        if let mongo = error as? MongoError, mongo.kind == .serverSelection || mongo.kind == .network {
            return JobFailure(.database, "database unreachable while \(what): \(mongo.message)")
        }
        return JobFailure(.database, "database error while \(what): \(error)")
    }

    /// True when the error means the server could not be reached at all (nothing more can be written).
    static func isUnreachable(_ failure: JobFailure) -> Bool {
        failure.kind == .database && failure.message.hasPrefix("database unreachable")
    }
}
