import BSON
import CMongoc

/// A lazy cursor over query or aggregation results; it holds its pooled client until exhausted or released.
public final class MongoCursor: Sequence, IteratorProtocol {
    private var cursor: OpaquePointer?
    private var lease: ClientLease?

    init(cursor: OpaquePointer, lease: ClientLease) {
        self.cursor = cursor
        self.lease = lease
    }

    deinit { close() }

    /// The next document, nil at the end; a server or network failure throws.
    public func nextDocument() throws -> Document? {
        guard let cursor else { return nil }
        var current: OpaquePointer?
        if mongoc_cursor_next(cursor, &current), let current {
            // The cursor owns `current` only until the next call: copy it.
            return Document(copying: current)
        }
        var error = bson_error_t()
        var reply: OpaquePointer?
        let failed = mongoc_cursor_error_document(cursor, &error, &reply)
        let replyDocument = reply.map { Document(copying: $0) }
        close()
        if failed { throw MongoError(error, reply: replyDocument, uri: lease?.owner.uri) }
        return nil
    }

    /// Sequence form: each element is a document or the error that ended the cursor.
    public func next() -> Result<Document, MongoError>? {
        do {
            return try nextDocument().map { .success($0) }
        } catch let error as MongoError {
            return .failure(error)
        } catch {
            return .failure(MongoError(kind: .server, message: "\(error)"))
        }
    }

    /// Reads every remaining document.
    public func toArray() throws -> [Document] {
        var documents = [Document]()
        while let document = try nextDocument() { documents.append(document) }
        return documents
    }

    /// Releases the server cursor and returns the client to the pool.
    public func close() {
        if let cursor { mongoc_cursor_destroy(cursor) }
        cursor = nil
        lease = nil
    }
}
