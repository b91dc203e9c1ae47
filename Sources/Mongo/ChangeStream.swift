import BSON
import CMongoc

/// Options of a change stream: where to resume and what to include.
public struct ChangeStreamOptions: Sendable {
    /// `"updateLookup"` to receive the current document with update events.
    public var fullDocument: String?
    public var resumeAfter: Document?
    public var startAfter: Document?
    /// How long one `next()` waits on the server for an event.
    public var maxAwaitTimeMS: Int64?
    public var batchSize: Int?

    public init(fullDocument: String? = nil, resumeAfter: Document? = nil, startAfter: Document? = nil,
                maxAwaitTimeMS: Int64? = nil, batchSize: Int? = nil) {
        self.fullDocument = fullDocument
        self.resumeAfter = resumeAfter
        self.startAfter = startAfter
        self.maxAwaitTimeMS = maxAwaitTimeMS
        self.batchSize = batchSize
    }

    var document: Document {
        var options = Document()
        if let fullDocument { options["fullDocument"] = .string(fullDocument) }
        if let resumeAfter { options["resumeAfter"] = .document(resumeAfter) }
        if let startAfter { options["startAfter"] = .document(startAfter) }
        if let maxAwaitTimeMS { options["maxAwaitTimeMS"] = .int64(maxAwaitTimeMS) }
        if let batchSize { options["batchSize"] = .int32(Int32(clamping: batchSize)) }
        return options
    }
}

/// A change stream over `mongoc_change_stream_t`; used by one thread at a time.
public final class ChangeStream {
    private let stream: OpaquePointer
    private let lease: ClientLease

    private init(stream: OpaquePointer, lease: ClientLease) {
        self.stream = stream
        self.lease = lease
    }

    deinit { mongoc_change_stream_destroy(stream) }

    static func open(client: MongoClient, pipeline: [Document], options: ChangeStreamOptions,
                     _ watch: (OpaquePointer, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> ChangeStream {
        let lease = ClientLease(client)
        let stages: Document = ["pipeline": .array(pipeline.map(BSONValue.document))]
        let stream = stages.withBSONPointer { stagesPointer in
            options.document.withBSONPointer { watch(lease.client, stagesPointer, $0) }
        }
        guard let stream else {
            throw MongoError(kind: .invalidArgument, message: "libmongoc could not create a change stream")
        }
        let changeStream = ChangeStream(stream: stream, lease: lease)
        try changeStream.throwIfFailed()
        return changeStream
    }

    /// The next event, or nil when none arrived within `maxAwaitTimeMS`; a failure throws.
    public func next() throws -> Document? {
        var event: OpaquePointer?
        if mongoc_change_stream_next(stream, &event), let event {
            // Valid only until the next call: copy it.
            return Document(copying: event)
        }
        try throwIfFailed()
        return nil
    }

    /// The token to resume after the last event returned (or the latest post-batch token); copied.
    public var resumeToken: Document? {
        mongoc_change_stream_get_resume_token(stream).map { Document(copying: $0) }
    }

    private func throwIfFailed() throws {
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_change_stream_error_document(stream, &error, &reply) {
            throw MongoError(error, reply: reply.map { Document(copying: $0) }, uri: lease.owner.uri)
        }
    }
}
