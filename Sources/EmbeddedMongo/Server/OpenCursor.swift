import BSON

/// What a cursor yields on getMore: the rest of a materialised result, or a change stream's next events.
enum CursorSource {
    case documents([Document])
    case changeStream(ChangeStreamCursor)
}

/// A cursor left open between find/aggregate and getMore.
final class OpenCursor: @unchecked Sendable {
    // Used by one getMore at a time (the registry's lease); `killed` is read by waits under the registry lock.
    let id: Int64
    let namespace: String
    var source: CursorSource
    var position = 0

    init(id: Int64, namespace: String, source: CursorSource) {
        self.id = id
        self.namespace = namespace
        self.source = source
    }
}
