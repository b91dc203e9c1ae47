import BSON

/// A change stream's position and options; turns oplog entries into change events.
final class ChangeStreamCursor {
    let scope: ChangeStreamScope
    let lookupFullDocument: Bool
    let pipeline: Pipeline?
    /// Events with a cluster time above this are still to come.
    private(set) var resumeAfter: Int64
    /// The token of the last event returned, or the high-water mark of the oplog read.
    private(set) var postBatchResumeToken: ResumeToken
    private(set) var invalidated = false

    init(scope: ChangeStreamScope, after timestamp: Int64, lookupFullDocument: Bool, pipeline: Pipeline?) {
        self.scope = scope
        self.resumeAfter = timestamp
        self.lookupFullDocument = lookupFullDocument
        self.pipeline = pipeline
        postBatchResumeToken = ResumeToken(timestamp: timestamp)
    }

    /// The next events, up to `limit`; waits for a commit until `deadline` when none are there yet
    /// (`deadline` nil: return at once). Returns after an invalidate, which ends the stream.
    func nextBatch(engine: StorageEngine, limit: Int, deadline: UInt64?, cancelled: () -> Bool) throws -> [Document] {
        while true {
            let committedBefore = engine.committedTimestamp
            let (events, scannedThrough, more) = try engine.read { session in
                try readEvents(session, limit: limit)
            }
            if !events.isEmpty || invalidated {
                return events
            }
            if more {
                resumeAfter = max(resumeAfter, scannedThrough)
                continue
            }
            // Everything committed before the read was read: the stream's position moves up to it.
            resumeAfter = max(resumeAfter, max(scannedThrough, committedBefore))
            postBatchResumeToken = ResumeToken(timestamp: resumeAfter)
            guard let deadline, MonotonicClock.now < deadline, !cancelled() else { return [] }
            _ = engine.waitForCommit(after: resumeAfter, deadline: deadline, cancelled: cancelled)
            if cancelled() { return [] }
        }
    }

    /// Reads oplog entries after `resumeAfter` and converts those in scope into events (run by the pipeline).
    /// Returns the events, the newest cluster time read, and whether more entries may follow right away.
    private func readEvents(_ session: StorageSession, limit: Int) throws -> ([Document], Int64, Bool) {
        let rowLimit: Int64 = 1000
        guard resumeAfter >= (try session.engine.trimmedThrough(in: session)) else {
            throw CommandError.changeStreamHistoryLost("the change stream's position is older than the oldest oplog entry kept")
        }
        let statement = try session.connection.prepare(
            "SELECT ts, wall, op, db, coll, dockey, doc, extra FROM oplog WHERE ts > ? ORDER BY ts LIMIT ?")
        statement.bind(1, resumeAfter)
        statement.bind(2, rowLimit)
        var entries = [OplogEntry]()
        var rows: Int64 = 0
        var newest = resumeAfter
        while try statement.step() {
            rows += 1
            newest = statement.int64(0)
            let database = statement.text(3)
            let collection = statement.isNull(4) ? nil : statement.text(4)
            let op = statement.text(2)
            guard scope.includes(database: database, collection: collection, op: op) else { continue }
            entries.append(OplogEntry(timestamp: newest, wall: statement.int64(1), op: op, database: database, collection: collection,
                                      documentKey: statement.isNull(5) ? nil : try Document(bytes: statement.blob(5)),
                                      document: statement.isNull(6) ? nil : try Document(bytes: statement.blob(6)),
                                      extra: statement.isNull(7) ? nil : try Document(bytes: statement.blob(7))))
        }
        statement.reset()
        var events = [Document]()
        for entry in entries {
            var batch = [try event(for: entry, session: session)]
            if let pipeline { batch = try pipeline.run(batch) }
            let invalidates = scope.isInvalidated(by: entry.op, database: entry.database, collection: entry.collection)
            if invalidates { batch.append(invalidateEvent(entry)) }
            if events.count + batch.count > limit, !events.isEmpty {
                return (events, resumeAfter, true)
            }
            events.append(contentsOf: batch)
            resumeAfter = entry.timestamp
            postBatchResumeToken = ResumeToken(timestamp: entry.timestamp, isInvalidate: invalidates)
            if invalidates {
                invalidated = true
                return (events, resumeAfter, false)
            }
            if events.count >= limit { return (events, resumeAfter, true) }
        }
        if events.isEmpty { return (events, newest, rows == rowLimit) }
        resumeAfter = max(resumeAfter, newest)
        if rows < rowLimit { postBatchResumeToken = ResumeToken(timestamp: resumeAfter) }
        return (events, resumeAfter, rows == rowLimit)
    }

    private func event(for entry: OplogEntry, session: StorageSession) throws -> Document {
        let operationType: String
        switch entry.op {
        case "i": operationType = "insert"
        case "u": operationType = "update"
        case "r": operationType = "replace"
        case "d": operationType = "delete"
        case "drop": operationType = "drop"
        case "dropDatabase": operationType = "dropDatabase"
        default: operationType = entry.op
        }
        var event: Document = [
            "_id": .document(ResumeToken(timestamp: entry.timestamp).document),
            "operationType": .string(operationType),
            "clusterTime": StoreContext.timestamp(entry.timestamp),
            "wallTime": .datetime(entry.wall),
        ]
        switch entry.op {
        case "i", "r":
            event.append("fullDocument", entry.document.map(BSONValue.document) ?? .null)
        case "u" where lookupFullDocument:
            let current = try entry.collection.flatMap { session.collection(entry.database, $0) }.flatMap { info in
                try session.find(id: entry.documentKey?["_id"] ?? .null, in: info)
            }
            event.append("fullDocument", current.map { .document($0.document) } ?? .null)
        default:
            break
        }
        if let collection = entry.collection {
            event.append("ns", .document(["db": .string(entry.database), "coll": .string(collection)]))
        } else {
            event.append("ns", .document(["db": .string(entry.database)]))
        }
        if let key = entry.documentKey { event.append("documentKey", .document(key)) }
        if entry.op == "u", let description = entry.extra { event.append("updateDescription", .document(description)) }
        return event
    }

    private func invalidateEvent(_ entry: OplogEntry) -> Document {
        [
            "_id": .document(ResumeToken(timestamp: entry.timestamp, isInvalidate: true).document),
            "operationType": "invalidate",
            "clusterTime": StoreContext.timestamp(entry.timestamp),
            "wallTime": .datetime(entry.wall),
        ]
    }
}
