import BSON

/// The outcome of applying one update to one document.
struct UpdateResult: Sendable {
    /// The document after the update.
    let document: Document
    /// False when the update left the document byte-for-byte as it was (MongoDB's `nModified` 0).
    let changed: Bool
    /// True for a replacement (a change stream reports it as `replace`, not `update`).
    let isReplacement: Bool
    /// What a change-stream `update` event reports (left empty when nothing changed and for an upsert's insert).
    let updateDescription: UpdateDescription
}

/// The `updateDescription` of a change-stream `update` event.
struct UpdateDescription: Sendable, Equatable {
    /// New values by dotted path ("a.b": 1); a path whose parent did not exist is reported at the
    /// highest level that was created.
    var updatedFields: Document
    /// Dotted paths removed by the update.
    var removedFields: [String]

    /// The event's `updateDescription` document (with the empty `truncatedArrays` drivers expect).
    var document: Document {
        ["updatedFields": .document(updatedFields), "removedFields": .array(removedFields.map(BSONValue.string)),
         "truncatedArrays": .array([])]
    }
}
