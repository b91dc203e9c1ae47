import BSON

/// Builds `{cursor: {id, ns, firstBatch|nextBatch}}` replies and registers what is left for getMore.
enum CursorReply {
    /// A batch stays under this many bytes (plus the last document), so replies fit one message.
    static let maxBatchBytes = 16 * 1024 * 1024 - 64 * 1024
    static let defaultFirstBatch = 101

    /// A `batchSize` option: a non-negative whole number (0 means "open the cursor, return nothing yet").
    static func batchSize(_ value: BSONValue?) throws -> Int? {
        guard let value else { return nil }
        guard let size = value.int64Value, size >= 0 else {
            throw CommandError.badValue("batchSize must be a non-negative whole number, not \(value)")
        }
        return Int(min(size, Int64(Int32.max)))
    }

    /// The first batch of a materialised result; the rest stays in a cursor unless `singleBatch`.
    static func first(_ documents: [Document], namespace: String, request: CommandRequest, batchSize: Int? = nil,
                      singleBatch: Bool = false) throws -> Document {
        let requested = try batchSize ?? self.batchSize(request.command["cursor"]?.documentValue?["batchSize"])
        let limit = requested ?? (singleBatch ? Int.max : defaultFirstBatch)
        let count = take(documents, from: 0, limit: singleBatch ? Int.max : limit)
        var id: Int64 = 0
        if count < documents.count, !singleBatch {
            id = request.context.cursors.add(namespace: namespace, source: .documents(Array(documents[count...])))
        }
        return reply(Array(documents[0..<count]), id: id, namespace: namespace, field: "firstBatch")
    }

    /// How many documents from `start` fit a batch of at most `limit` documents.
    static func take(_ documents: [Document], from start: Int, limit: Int) -> Int {
        var bytes = 0
        var count = 0
        while start + count < documents.count, count < limit {
            let size = documents[start + count].byteCount
            if count > 0, bytes + size > maxBatchBytes { break }
            bytes += size
            count += 1
        }
        return count
    }

    static func reply(_ batch: [Document], id: Int64, namespace: String, field: String) -> Document {
        ["cursor": .document([
            field: .array(batch.map(BSONValue.document)),
            "id": .int64(id),
            "ns": .string(namespace),
        ])]
    }

    static func changeStream(_ events: [Document], cursor: ChangeStreamCursor, id: Int64, namespace: String,
                             first: Bool) -> Document {
        ["cursor": .document([
            first ? "firstBatch" : "nextBatch": .array(events.map(BSONValue.document)),
            "postBatchResumeToken": .document(cursor.postBatchResumeToken.document),
            "id": .int64(id),
            "ns": .string(namespace),
        ])]
    }
}
