import BSON
import Feeds
import Foundation

/// How a `Reading` is written to `readings` (DESIGN.md §4): an idempotent upsert on `{feed, key, at}`.
enum ReadingDocument {
    /// The unique identity of a reading.
    static func filter(_ reading: Reading) -> Document {
        ["feed": .string(reading.feed), "key": .string(reading.key), "at": ISOText.bson(reading.at)]
    }

    /// `$set` only what may be revised (values, tags, geo), so an identical reading is matched but not
    /// modified and produces no change event; `$setOnInsert` the identity and `fetchedAt`.
    /// Keys are sorted: dictionary order varies between processes and would make equal values look changed.
    static func update(_ reading: Reading, fetchedAt: Date) -> Document {
        let insertOnly: Document = [
            "feed": .string(reading.feed), "key": .string(reading.key), "at": ISOText.bson(reading.at),
            "fetchedAt": ISOText.bson(fetchedAt),
        ]
        return ["$set": .document(revisable(reading)), "$setOnInsert": .document(insertOnly)]
    }

    /// The whole document of a new reading, in the field order of DESIGN.md §4.
    static func insert(_ reading: Reading, fetchedAt: Date) -> Document {
        var document: Document = ["_id": .objectId(ObjectId()), "feed": .string(reading.feed), "key": .string(reading.key),
                                  "at": ISOText.bson(reading.at), "fetchedAt": ISOText.bson(fetchedAt)]
        for (name, value) in revisable(reading) { document.append(name, value) }
        return document
    }

    /// The fields a later payload may revise: values, tags (when any) and geo (when known).
    static func revisable(_ reading: Reading) -> Document {
        var set: Document = ["values": .document(values(reading.values))]
        if !reading.tags.isEmpty { set["tags"] = .document(tags(reading.tags)) }
        if let geo = reading.geo { set["geo"] = ["lon": .double(geo.lon), "lat": .double(geo.lat)] }
        return set
    }

    static func values(_ values: [String: Double]) -> Document {
        Document(values.sorted { $0.key < $1.key }.map { ($0.key, BSONValue.double($0.value)) })
    }

    static func tags(_ tags: [String: String]) -> Document {
        Document(tags.sorted { $0.key < $1.key }.map { ($0.key, BSONValue.string($0.value)) })
    }
}
