import BSON
import Feeds
import Foundation
import Mongo

/// The collections the jobs write (`readings`, `fetches`, `rollups_hourly`, `vigie_state`), with their indexes.
public struct ReadingStore: Sendable {
    public let database: Database
    public let readings: Collection
    public let fetches: Collection
    public let rollups: Collection
    public let state: Collection

    /// Operations per bulk write: big enough for a whole Vélib' payload, small enough for one message.
    static let batchSize = 5000

    public init(client: MongoClient, databaseName: String) throws(JobFailure) {
        do {
            database = try client.database(databaseName)
            readings = try database.collection("readings")
            fetches = try database.collection("fetches")
            rollups = try database.collection("rollups_hourly")
            state = try database.collection("vigie_state")
        } catch {
            throw JobFailure(.usage, "database '\(databaseName)': \(error)")
        }
    }

    /// Creates the indexes the design relies on; idempotent (an identical index is a no-op).
    public func ensureIndexes() throws {
        try readings.createIndex(["feed": 1, "key": 1, "at": 1], name: "feed_1_key_1_at_1", unique: true)
        try readings.createIndex(["feed": 1, "at": -1], name: "feed_1_at_-1")
        try fetches.createIndex(["feed": 1, "startedAt": -1], name: "feed_1_startedAt_-1")
        try rollups.createIndex(["feed": 1, "key": 1, "hour": 1], name: "feed_1_key_1_hour_1", unique: true)
    }

    /// Upserts readings in unordered bulk writes. Duplicate-key errors (two writers inserting the same new
    /// reading at once) are retried once, when the other writer's document is there to match.
    public func upsert(_ batch: [Reading], fetchedAt: Date) throws -> UpsertCounts {
        var counts = UpsertCounts()
        var start = 0
        while start < batch.count {
            let slice = Array(batch[start..<min(batch.count, start + Self.batchSize)])
            counts.add(try upsertSlice(slice, fetchedAt: fetchedAt, retryDuplicates: true))
            start += Self.batchSize
        }
        return counts
    }

    private func upsertSlice(_ slice: [Reading], fetchedAt: Date, retryDuplicates: Bool) throws -> UpsertCounts {
        let models = slice.map { reading in
            WriteModel.updateOne(filter: ReadingDocument.filter(reading),
                                 update: ReadingDocument.update(reading, fetchedAt: fetchedAt), upsert: true)
        }
        let result = try readings.bulkWrite(models, ordered: false)
        var counts = UpsertCounts()
        counts.inserted = result.upsertedCount
        counts.updated = result.modifiedCount
        counts.unchanged = result.matchedCount - result.modifiedCount
        var retry: [Reading] = []
        for error in result.writeErrors {
            guard slice.indices.contains(error.index) else { continue }
            if error.isDuplicateKey && retryDuplicates {
                retry.append(slice[error.index])
            } else {
                counts.failed.append((slice[error.index].key, "\(error.message) (code \(error.code))"))
            }
        }
        if !retry.isEmpty {
            counts.add(try upsertSlice(retry, fetchedAt: fetchedAt, retryDuplicates: false))
        }
        return counts
    }

    /// Appends the record of one run to `fetches`.
    public func record(_ fetch: FetchRecord) throws {
        try fetches.insertOne(fetch.document)
    }
}
