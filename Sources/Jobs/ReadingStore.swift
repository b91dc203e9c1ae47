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

    /// Stores readings idempotently, in unordered bulk writes, as upserts on `{feed, key, at}` that `$set` only
    /// values/tags/geo (an identical reading is matched, not modified, and raises no change event).
    /// `expectingNew`: most of the readings are probably not stored yet (a fetch whose seen cache kept back what
    /// the last run stored, a backfill), so each batch is first sent as plain inserts, which cost the server far
    /// less than upserts, and only the readings the unique index refuses as duplicates are upserted.
    /// The counts are the same either way.
    public func upsert(_ batch: [Reading], fetchedAt: Date, expectingNew: Bool = false) throws -> UpsertCounts {
        var counts = UpsertCounts()
        var start = 0
        while start < batch.count {
            let slice = Array(batch[start..<min(batch.count, start + Self.batchSize)])
            counts.add(expectingNew ? try insertOrUpsert(slice, fetchedAt: fetchedAt)
                                    : try upsertSlice(slice, fetchedAt: fetchedAt, retryDuplicates: true))
            start += Self.batchSize
        }
        return counts
    }

    private func insertOrUpsert(_ slice: [Reading], fetchedAt: Date) throws -> UpsertCounts {
        let result = try readings.bulkWrite(slice.map { .insertOne(ReadingDocument.insert($0, fetchedAt: fetchedAt)) }, ordered: false)
        var counts = UpsertCounts()
        counts.inserted = result.insertedCount
        var existing: [Reading] = []
        for error in result.writeErrors where slice.indices.contains(error.index) {
            if error.isDuplicateKey {
                existing.append(slice[error.index])
            } else {
                counts.failed.append((slice[error.index].key, "\(error.message) (code \(error.code))"))
            }
        }
        if !existing.isEmpty {
            counts.add(try upsertSlice(existing, fetchedAt: fetchedAt, retryDuplicates: true))
        }
        return counts
    }

    /// Upserts; a duplicate-key error (another writer inserted the same reading in between) is retried once,
    /// when that writer's document is there to match.
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
