import BSON
import Mongo

/// Keeps the change stream's resume token in `vigie_state`, so a restarted server resumes where it stopped.
public struct ResumeTokenStore: Sendable {
    public static let collectionName = "vigie_state"
    private let collection: Collection
    /// `_id` of the state document.
    public let key: String

    public init(database: Database, key: String = "changeStream") throws {
        collection = try database.collection(Self.collectionName)
        self.key = key
    }

    /// The saved token, nil when there is none.
    public func load() throws -> Document? {
        try collection.findOne(["_id": .string(key)])?["token"]?.documentValue
    }

    public func save(_ token: Document, nowMilliseconds: Int64) throws {
        try collection.replaceOne(["_id": .string(key)],
                                  ["_id": .string(key), "token": .document(token), "savedAt": .datetime(nowMilliseconds)],
                                  upsert: true)
    }

    /// Forgets the token (its history is gone).
    public func clear() throws {
        try collection.deleteOne(["_id": .string(key)])
    }
}
