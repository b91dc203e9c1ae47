import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct UpdateEngineTests {
    func update(_ document: String, _ update: String, isInsert: Bool = false) throws -> UpdateResult {
        try UpdateEngine.apply(try json(update), to: try json(document), isInsert: isInsert)
    }

    func updated(_ document: String, _ update: String, isInsert: Bool = false) throws -> Document {
        try self.update(document, update, isInsert: isInsert).document
    }

    func code(_ document: String, _ update: String) -> Int32? {
        errorCode { _ = try UpdateEngine.apply(try json(update), to: try json(document), isInsert: false) }
    }

    @Test func setCreatesIntermediateDocumentsInFieldNameOrder() throws {
        #expect(try updated(#"{"_id": 1}"#, #"{"$set": {"b": 2, "a.x.y": 1}}"#) == (try json(#"{"_id": 1, "a": {"x": {"y": 1}}, "b": 2}"#)))
        #expect(try updated(#"{"_id": 1, "a": {"k": 0}}"#, #"{"$set": {"a.k": 5, "a.n": 6}}"#) == (try json(#"{"_id": 1, "a": {"k": 5, "n": 6}}"#)))
    }

    @Test func arrayIndexPaths() throws {
        #expect(try updated(#"{"_id": 1, "a": [1, 2, 3]}"#, #"{"$set": {"a.1": 9}}"#) == (try json(#"{"_id": 1, "a": [1, 9, 3]}"#)))
        #expect(try updated(#"{"_id": 1, "a": [1]}"#, #"{"$set": {"a.3": 4}}"#) == (try json(#"{"_id": 1, "a": [1, null, null, 4]}"#)))
        #expect(try updated(#"{"_id": 1, "a": [{"x": 1}]}"#, #"{"$inc": {"a.0.x": 2}}"#) == (try json(#"{"_id": 1, "a": [{"x": 3}]}"#)))
        #expect(try updated(#"{"_id": 1, "a": [1, 2]}"#, #"{"$unset": {"a.0": ""}}"#) == (try json(#"{"_id": 1, "a": [null, 2]}"#)))
    }

    @Test func unsetRemovesAndIgnoresMissing() throws {
        let result = try update(#"{"_id": 1, "a": 1, "b": {"c": 2, "d": 3}}"#, #"{"$unset": {"a": "", "b.c": 1, "zz": ""}}"#)
        #expect(result.document == (try json(#"{"_id": 1, "b": {"d": 3}}"#)))
        #expect(result.updateDescription.removedFields == ["a", "b.c"])
        #expect(result.changed)
    }

    @Test func incAndMulPromoteNumericTypes() throws {
        #expect(try updated(#"{"_id": 1, "n": 1}"#, #"{"$inc": {"n": 2, "m": 5}}"#) == (try json(#"{"_id": 1, "n": 3, "m": 5}"#)))
        #expect(try updated(#"{"_id": 1, "n": 1}"#, #"{"$inc": {"n": 0.5}}"#)["n"] == .double(1.5))
        #expect(try updated(#"{"_id": 1, "n": 2147483647}"#, #"{"$inc": {"n": 1}}"#)["n"] == .int64(2_147_483_648))
        #expect(try updated(#"{"_id": 1, "n": 4}"#, #"{"$mul": {"n": 2.5, "z": 3}}"#) == (try json(#"{"_id": 1, "n": 10.0, "z": 0}"#)))
    }

    @Test func incOnNonNumberIsTypeMismatch() throws {
        #expect(code(#"{"_id": 1, "s": "x"}"#, #"{"$inc": {"s": 1}}"#) == 14)
        #expect(code(#"{"_id": 1, "n": 1}"#, #"{"$inc": {"n": "1"}}"#) == 14)
    }

    @Test func minMaxCompareWithBSONOrder() throws {
        #expect(try updated(#"{"_id": 1, "lo": 5, "hi": 5}"#, #"{"$min": {"lo": 3, "hi": 3}, "$max": {"x": 1}}"#)
                == (try json(#"{"_id": 1, "lo": 3, "hi": 3, "x": 1}"#)))
        let unchanged = try update(#"{"_id": 1, "v": 5}"#, #"{"$max": {"v": 4}}"#)
        #expect(!unchanged.changed)
        #expect(unchanged.updateDescription.updatedFields.isEmpty)
        #expect(try updated(#"{"_id": 1, "v": 5}"#, #"{"$max": {"v": "a"}}"#)["v"] == "a")
    }

    @Test func setOnInsertOnlyWhenInserting() throws {
        let update = #"{"$set": {"a": 1}, "$setOnInsert": {"created": true}}"#
        #expect(try updated(#"{"_id": 1}"#, update) == (try json(#"{"_id": 1, "a": 1}"#)))
        #expect(try updated(#"{"_id": 1}"#, update, isInsert: true) == (try json(#"{"_id": 1, "a": 1, "created": true}"#)))
    }

    @Test func pushWithEachSlicePositionAndSort() throws {
        #expect(try updated(#"{"_id": 1}"#, #"{"$push": {"t": "a"}}"#) == (try json(#"{"_id": 1, "t": ["a"]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [1]}"#, #"{"$push": {"t": [2, 3]}}"#) == (try json(#"{"_id": 1, "t": [1, [2, 3]]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [1]}"#, #"{"$push": {"t": {"$each": [2, 3]}}}"#) == (try json(#"{"_id": 1, "t": [1, 2, 3]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [1, 2]}"#, #"{"$push": {"t": {"$each": [3, 4], "$slice": -3}}}"#) == (try json(#"{"_id": 1, "t": [2, 3, 4]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [1, 2]}"#, #"{"$push": {"t": {"$each": [0], "$position": 0}}}"#) == (try json(#"{"_id": 1, "t": [0, 1, 2]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [{"s": 2}, {"s": 9}]}"#, #"{"$push": {"t": {"$each": [{"s": 5}], "$sort": {"s": -1}, "$slice": 2}}}"#)
                == (try json(#"{"_id": 1, "t": [{"s": 9}, {"s": 5}]}"#)))
        #expect(code(#"{"_id": 1, "t": 5}"#, #"{"$push": {"t": 1}}"#) == 2)
    }

    @Test func addToSetKeepsValuesUnique() throws {
        #expect(try updated(#"{"_id": 1, "t": ["a", "b"]}"#, #"{"$addToSet": {"t": "a"}}"#) == (try json(#"{"_id": 1, "t": ["a", "b"]}"#)))
        #expect(try updated(#"{"_id": 1, "t": [1]}"#, #"{"$addToSet": {"t": {"$each": [1.0, 2, 2, 3]}}}"#) == (try json(#"{"_id": 1, "t": [1, 2, 3]}"#)))
        #expect(try updated(#"{"_id": 1, "t": ["a"]}"#, #"{"$addToSet": {"t": ["a"]}}"#) == (try json(#"{"_id": 1, "t": ["a", ["a"]]}"#)))
    }

    @Test func pullByValueConditionAndDocumentQuery() throws {
        #expect(try updated(#"{"_id": 1, "v": [1, 2, 3, 2]}"#, #"{"$pull": {"v": 2}}"#) == (try json(#"{"_id": 1, "v": [1, 3]}"#)))
        #expect(try updated(#"{"_id": 1, "v": [5, 6, 7, 8]}"#, #"{"$pull": {"v": {"$gte": 7}}}"#) == (try json(#"{"_id": 1, "v": [5, 6]}"#)))
        #expect(try updated(#"{"_id": 1, "r": [{"item": "A", "score": 5}, {"item": "B", "score": 8}]}"#,
                            #"{"$pull": {"r": {"score": 8, "item": "B"}}}"#) == (try json(#"{"_id": 1, "r": [{"item": "A", "score": 5}]}"#)))
        #expect(try updated(#"{"_id": 1, "v": [1, 2, 3]}"#, #"{"$pullAll": {"v": [1, 3]}}"#) == (try json(#"{"_id": 1, "v": [2]}"#)))
        #expect(try updated(#"{"_id": 1, "v": [1, 2, 3]}"#, #"{"$pop": {"v": -1}}"#) == (try json(#"{"_id": 1, "v": [2, 3]}"#)))
    }

    @Test func renameMovesValues() throws {
        #expect(try updated(#"{"_id": 1, "a": 1, "b": {"c": 2}}"#, #"{"$rename": {"a": "z", "b.c": "d.e"}}"#)
                == (try json(#"{"_id": 1, "b": {}, "z": 1, "d": {"e": 2}}"#)))
        #expect(try updated(#"{"_id": 1}"#, #"{"$rename": {"missing": "x"}}"#) == (try json(#"{"_id": 1}"#)))
        #expect(code(#"{"_id": 1, "a": [{"b": 1}]}"#, #"{"$rename": {"a.0.b": "c"}}"#) == 2)
    }

    @Test func currentDateSetsADateOrTimestamp() throws {
        let engine = try UpdateEngine(try json(#"{"$currentDate": {"d": true, "t": {"$type": "timestamp"}}}"#))
        let result = try engine.apply(to: try json(#"{"_id": 1}"#), isInsert: false, now: 1_700_000_000_123)
        #expect(result.document["d"] == .datetime(1_700_000_000_123))
        #expect(result.document["t"] == .timestamp(seconds: 1_700_000_000, increment: 1))
    }

    @Test func replacementKeepsIdAndReplacesEverythingElse() throws {
        let result = try update(#"{"_id": 7, "a": 1, "b": 2}"#, #"{"b": 3, "c": 4}"#)
        #expect(result.document == (try json(#"{"_id": 7, "b": 3, "c": 4}"#)))
        #expect(result.isReplacement)
        #expect(try updated(#"{"_id": 7, "a": 1}"#, #"{"c": 4, "_id": 7}"#) == (try json(#"{"_id": 7, "c": 4}"#)))
        #expect(code(#"{"_id": 7}"#, #"{"_id": 8, "c": 4}"#) == 66)
    }

    @Test func idIsImmutable() throws {
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"_id": 2}}"#) == 66)
        #expect(code(#"{"_id": {"a": 1}}"#, #"{"$set": {"_id.a": 2}}"#) == 66)
        #expect(try update(#"{"_id": 1}"#, #"{"$set": {"_id": 1}}"#).changed == false)
    }

    @Test func conflictingPathsAreRejected() throws {
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"a": 1}, "$inc": {"a": 1}}"#) == 40)
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"a.b": 1}, "$unset": {"a": 1}}"#) == 40)
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"a": 1}, "$rename": {"b": "a"}}"#) == 40)
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"ab": 1, "a": 1}}"#) == nil)
    }

    @Test func badUpdatesAreNamed() throws {
        #expect(code(#"{"_id": 1}"#, #"{"$foo": {"a": 1}}"#) == 9)
        #expect(code(#"{"_id": 1}"#, #"{"$set": 5}"#) == 9)
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"a": 1}, "b": 2}"#) == 9)
        #expect(code(#"{"_id": 1, "a": 5}"#, #"{"$set": {"a.b": 1}}"#) == 28)
        #expect(code(#"{"_id": 1}"#, #"{"$set": {"a.$": 1}}"#) == 238)
        #expect(code(#"{"_id": 1}"#, #"{"$bit": {"a": {"and": 1}}}"#) == 238)
        #expect(errorCode { _ = try UpdateEngine(update: [["$set": ["a": 1]]]) } == 238)
    }

    @Test func updateDescriptionReportsDottedPathsAndCreatedParents() throws {
        let result = try update(#"{"_id": 1, "a": {"b": 1}, "n": 1, "gone": true}"#,
                                #"{"$set": {"a.b": 2, "x.y.z": 3}, "$inc": {"n": 1}, "$unset": {"gone": ""}}"#)
        #expect(result.updateDescription.updatedFields == (try json(#"{"a.b": 2, "n": 2, "x": {"y": {"z": 3}}}"#)))
        #expect(result.updateDescription.removedFields == ["gone"])
        #expect(result.updateDescription.document["truncatedArrays"] == .array([]))
    }

    @Test func upsertSeedTakesTheEqualityFields() throws {
        let seed = UpdateEngine.upsertSeed(filter: try json("""
        {"_id": 5, "feed": "usgs", "meta.kind": "quake", "n": {"$eq": 3}, "k": {"$in": ["only"]}, "at": {"$gt": 1}, "$and": [{"z": 1}], "$or": [{"w": 1}]}
        """))
        #expect(seed == (try json(#"{"_id": 5, "feed": "usgs", "meta": {"kind": "quake"}, "n": 3, "k": "only", "z": 1}"#)))
        let inserted = try UpdateEngine.apply(try json(#"{"$inc": {"count": 1}, "$setOnInsert": {"first": true}}"#), to: seed, isInsert: true)
        #expect(inserted.document["count"] == 1)
        #expect(inserted.document["first"] == true)
    }
}
