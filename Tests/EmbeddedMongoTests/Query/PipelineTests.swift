import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct PipelineTests {
    let sales: [Document]

    init() throws {
        sales = try jsonDocuments("""
        [{"_id": 1, "item": "abc", "price": 10, "quantity": 2, "date": {"$date": "2014-03-01T08:00:00Z"}, "tags": ["a", "b"]},
         {"_id": 2, "item": "jkl", "price": 20, "quantity": 1, "date": {"$date": "2014-03-01T09:00:00Z"}, "tags": []},
         {"_id": 3, "item": "xyz", "price": 5, "quantity": 10, "date": {"$date": "2014-03-15T09:00:00Z"}, "tags": ["b"]},
         {"_id": 4, "item": "xyz", "price": 5, "quantity": 20, "date": {"$date": "2014-04-04T11:21:39.736Z"}},
         {"_id": 5, "item": "abc", "price": 10, "quantity": 10, "date": {"$date": "2014-04-04T21:23:13.331Z"}, "tags": null}]
        """)
    }

    func run(_ stages: String, _ input: [Document]? = nil) throws -> [Document] {
        try Pipeline(stages: try jsonArray(stages)).run(input ?? sales)
    }

    func code(_ stages: String) -> Int32? {
        errorCode { _ = try Pipeline(stages: try jsonArray(stages)).run(sales) }
    }

    @Test func matchSortSkipLimit() throws {
        let result = try run(#"[{"$match": {"price": {"$gte": 10}}}, {"$sort": {"quantity": -1}}, {"$skip": 1}, {"$limit": 1}]"#)
        #expect(result.map { $0["_id"] } == [1])
        let top = try run(#"[{"$sort": {"quantity": 1, "_id": -1}}, {"$limit": 2}]"#)
        #expect(top.map { $0["_id"] } == [2, 1])
    }

    @Test func sortThenLimitKeepsTheBestOfALargeInput() throws {
        let many = (0..<500).map { Document([("_id", .int32(Int32($0))), ("v", .int32(Int32(($0 * 37) % 101)))]) }
        let result = try run(#"[{"$sort": {"v": -1, "_id": 1}}, {"$limit": 3}]"#, many)
        let expected = many.sorted { ($0["v"]!.int64Value!, -$0["_id"]!.int64Value!) > ($1["v"]!.int64Value!, -$1["_id"]!.int64Value!) }.prefix(3)
        #expect(result == Array(expected))
    }

    @Test func groupWithEveryAccumulator() throws {
        let result = try run("""
        [{"$group": {"_id": "$item", "total": {"$sum": {"$multiply": ["$price", "$quantity"]}}, "avgQty": {"$avg": "$quantity"},
          "minQ": {"$min": "$quantity"}, "maxQ": {"$max": "$quantity"}, "first": {"$first": "$_id"}, "last": {"$last": "$_id"},
          "ids": {"$push": "$_id"}, "prices": {"$addToSet": "$price"}, "n": {"$count": {}}, "one": {"$sum": 1}}},
         {"$sort": {"_id": 1}}]
        """)
        #expect(result == (try jsonDocuments("""
        [{"_id": "abc", "total": 120, "avgQty": 6.0, "minQ": 2, "maxQ": 10, "first": 1, "last": 5, "ids": [1, 5], "prices": [10], "n": 2, "one": 2},
         {"_id": "jkl", "total": 20, "avgQty": 1.0, "minQ": 1, "maxQ": 1, "first": 2, "last": 2, "ids": [2], "prices": [20], "n": 1, "one": 1},
         {"_id": "xyz", "total": 150, "avgQty": 15.0, "minQ": 10, "maxQ": 20, "first": 3, "last": 4, "ids": [3, 4], "prices": [5], "n": 2, "one": 2}]
        """)))
    }

    @Test func groupByNullAndByCompoundKeysWithNumericEquality() throws {
        let all = try run(#"[{"$group": {"_id": null, "count": {"$sum": 1}, "avg": {"$avg": "$price"}}}]"#)
        #expect(all == (try jsonDocuments(#"[{"_id": null, "count": 5, "avg": 10.0}]"#)))
        let input = try jsonDocuments(#"[{"k": 1}, {"k": 1.0}, {"k": {"$numberLong": "1"}}, {"k": 2}, {}]"#)
        let grouped = try run(#"[{"$group": {"_id": {"key": "$k"}, "n": {"$sum": 1}}}]"#, input)
        #expect(grouped == (try jsonDocuments(#"[{"_id": {"key": 1}, "n": 3}, {"_id": {"key": 2}, "n": 1}, {"_id": {}, "n": 1}]"#)))
    }

    @Test func groupByDayWithDateTrunc() throws {
        let result = try run("""
        [{"$group": {"_id": {"$dateTrunc": {"date": "$date", "unit": "day"}}, "q": {"$sum": "$quantity"}}}, {"$sort": {"_id": 1}}]
        """)
        #expect(result == (try jsonDocuments("""
        [{"_id": {"$date": "2014-03-01T00:00:00Z"}, "q": 3}, {"_id": {"$date": "2014-03-15T00:00:00Z"}, "q": 10},
         {"_id": {"$date": "2014-04-04T00:00:00Z"}, "q": 30}]
        """)))
    }

    @Test func countStage() throws {
        #expect(try run(#"[{"$match": {"item": "xyz"}}, {"$count": "n"}]"#) == [["n": 2]])
        #expect(try run(#"[{"$match": {"item": "none"}}, {"$count": "n"}]"#).isEmpty)
    }

    @Test func unwindStringAndDocumentForms() throws {
        let plain = try run(#"[{"$unwind": "$tags"}, {"$project": {"tags": 1}}]"#)
        #expect(plain == (try jsonDocuments(#"[{"_id": 1, "tags": "a"}, {"_id": 1, "tags": "b"}, {"_id": 3, "tags": "b"}]"#)))
        let preserved = try run(#"[{"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": true, "includeArrayIndex": "i"}}, {"$project": {"tags": 1, "i": 1}}]"#)
        #expect(preserved == (try jsonDocuments("""
        [{"_id": 1, "tags": "a", "i": {"$numberLong": "0"}}, {"_id": 1, "tags": "b", "i": {"$numberLong": "1"}}, {"_id": 2, "i": null},
         {"_id": 3, "tags": "b", "i": {"$numberLong": "0"}}, {"_id": 4, "i": null}, {"_id": 5, "tags": null, "i": null}]
        """)))
        let scalar = try run(#"[{"$unwind": "$item"}, {"$limit": 1}, {"$project": {"item": 1}}]"#)
        #expect(scalar == [["_id": 1, "item": "abc"]])
    }

    @Test func sortByCountOrdersByFrequency() throws {
        let result = try run(#"[{"$unwind": "$tags"}, {"$sortByCount": "$tags"}]"#)
        #expect(result == (try jsonDocuments(#"[{"_id": "b", "count": 2}, {"_id": "a", "count": 1}]"#)))
    }

    @Test func bucketWithDefaultAndOutput() throws {
        let result = try run("""
        [{"$bucket": {"groupBy": "$price", "boundaries": [0, 10, 15], "default": "Other",
                      "output": {"count": {"$sum": 1}, "items": {"$push": "$item"}}}}]
        """)
        #expect(result == (try jsonDocuments("""
        [{"_id": 0, "count": 2, "items": ["xyz", "xyz"]}, {"_id": 10, "count": 2, "items": ["abc", "abc"]},
         {"_id": "Other", "count": 1, "items": ["jkl"]}]
        """)))
        let counted = try run(#"[{"$bucket": {"groupBy": "$quantity", "boundaries": [0, 5, 50]}}]"#)
        #expect(counted == (try jsonDocuments(#"[{"_id": 0, "count": 2}, {"_id": 5, "count": 3}]"#)))
        #expect(code(#"[{"$bucket": {"groupBy": "$price", "boundaries": [0, 10]}}]"#) == 40066)
        #expect(code(#"[{"$bucket": {"groupBy": "$price", "boundaries": [10, 0]}}]"#) == 40194)
        #expect(code(#"[{"$bucket": {"groupBy": "$price", "boundaries": [0, 10], "default": 5}}]"#) == 40199)
    }

    @Test func addFieldsSetUnsetAndProject() throws {
        let result = try run("""
        [{"$match": {"_id": 1}}, {"$addFields": {"total": {"$multiply": ["$price", "$quantity"]}, "meta.source": "test"}},
         {"$set": {"price": "$$REMOVE"}}, {"$unset": ["date", "tags"]}]
        """)
        #expect(result == (try jsonDocuments(#"[{"_id": 1, "item": "abc", "quantity": 2, "total": 20, "meta": {"source": "test"}}]"#)))
        let projected = try run(#"[{"$match": {"_id": 3}}, {"$project": {"_id": 0, "item": 1, "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$date"}}}}]"#)
        #expect(projected == [["item": "xyz", "day": "2014-03-15"]])
        let root = try run(#"[{"$match": {"_id": 2}}, {"$replaceRoot": {"newRoot": {"p": "$price"}}}]"#)
        #expect(root == [["p": 20]])
    }

    @Test func hourlyRollupOfEveryValueField() throws {
        let readings = try jsonDocuments("""
        [{"feed": "usgs", "key": "q1", "at": {"$date": "2024-07-27T08:05:00Z"}, "values": {"mag": 4.5, "depth": 10}},
         {"feed": "usgs", "key": "q1", "at": {"$date": "2024-07-27T08:55:00Z"}, "values": {"mag": 2.5, "depth": 30}},
         {"feed": "usgs", "key": "q1", "at": {"$date": "2024-07-27T09:01:00Z"}, "values": {"mag": 1.0}},
         {"feed": "usgs", "key": "q1", "at": {"$date": "2024-07-27T10:00:00Z"}, "values": {"mag": 9.0}}]
        """)
        let result = try run("""
        [{"$match": {"at": {"$gte": {"$date": "2024-07-27T08:00:00Z"}, "$lt": {"$date": "2024-07-27T10:00:00Z"}}}},
         {"$project": {"feed": 1, "key": 1, "hour": {"$dateTrunc": {"date": "$at", "unit": "hour"}}, "value": {"$objectToArray": "$values"}}},
         {"$unwind": "$value"},
         {"$group": {"_id": {"feed": "$feed", "key": "$key", "hour": "$hour", "field": "$value.k"},
                     "min": {"$min": "$value.v"}, "max": {"$max": "$value.v"}, "avg": {"$avg": "$value.v"}}}]
        """, readings)
        #expect(result == (try jsonDocuments("""
        [{"_id": {"feed": "usgs", "key": "q1", "hour": {"$date": "2024-07-27T08:00:00Z"}, "field": "mag"}, "min": 2.5, "max": 4.5, "avg": 3.5},
         {"_id": {"feed": "usgs", "key": "q1", "hour": {"$date": "2024-07-27T08:00:00Z"}, "field": "depth"}, "min": 10, "max": 30, "avg": 20.0},
         {"_id": {"feed": "usgs", "key": "q1", "hour": {"$date": "2024-07-27T09:00:00Z"}, "field": "mag"}, "min": 1.0, "max": 1.0, "avg": 1.0}]
        """)))
    }

    @Test func unsupportedAndUnknownStagesAreNamed() throws {
        #expect(code(#"[{"$lookup": {"from": "x"}}]"#) == 238)
        #expect(code(#"[{"$bogus": {}}]"#) == 40324)
        #expect(code(#"[{"$match": {}}, {"$changeStream": {}}]"#) == 40602)
        #expect(code(#"[{"$match": {}, "$limit": 1}]"#) == 40323)
        #expect(code(#"[{"$limit": 0}]"#) == 15958)
        #expect(code(#"[{"$skip": -1}]"#) == 15956)
        #expect(code(#"[{"$group": {"total": {"$sum": 1}}}]"#) == 15955)
        #expect(code(#"[{"$group": {"_id": null, "x": {"$stdDevPop": "$a"}}}]"#) == 238)
        #expect(code(#"[{"$project": {}}]"#) == 51272)
        #expect(code(#"[{"$sort": {}}]"#) == 15976)
        #expect(code(#"[{"$unwind": "tags"}]"#) == 28818)
    }

    @Test func leadingFilterIsExposedForIndexes() throws {
        let pipeline = try Pipeline(stages: try jsonArray(#"[{"$match": {"feed": "usgs"}}, {"$limit": 5}]"#))
        #expect(pipeline.leadingFilter == ["feed": "usgs"])
    }
}
