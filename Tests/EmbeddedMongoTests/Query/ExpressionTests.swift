import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct ExpressionTests {
    let document: Document

    init() throws {
        document = try json("""
        {"_id": 1, "a": 7, "b": 2, "f": 2.5, "s": "text", "n": null, "arr": [3, 1, 4], "empty": [],
         "items": [{"p": 1}, {"p": 2}, {"q": 3}], "sub": {"x": 10},
         "at": {"$date": "2024-07-27T08:03:09.045Z"}, "oid": {"$oid": "66a4a8ad0000000000000000"}}
        """)
    }

    func evaluate(_ expression: String) throws -> BSONValue? {
        let wrapper = try json("{\"e\": \(expression)}")
        return try ExpressionEvaluator.compile(wrapper["e"]!).evaluate(document)
    }

    func code(_ expression: String) -> Int32? {
        errorCode { _ = try ExpressionEvaluator.compile(try json("{\"e\": \(expression)}")["e"]!).evaluate(document) }
    }

    @Test func fieldPathsVariablesAndLiterals() throws {
        #expect(try evaluate(#""$a""#) == 7)
        #expect(try evaluate(#""$sub.x""#) == 10)
        #expect(try evaluate(#""$items.p""#) == [1, 2])
        #expect(try evaluate(#""$missing""#) == nil)
        #expect(try evaluate(#""$$ROOT.sub""#) == ["x": 10])
        #expect(try evaluate(#""$$CURRENT._id""#) == 1)
        #expect(try evaluate(#"{"$literal": "$a"}"#) == "$a")
        #expect(try evaluate(#""plain""#) == "plain")
        #expect(try evaluate(#"{"k": "$a", "gone": "$missing"}"#) == ["k": 7])
        #expect(try evaluate(#"["$a", "$missing"]"#) == [7, .null])
        if case .datetime? = try evaluate(#""$$NOW""#) {} else { Issue.record("$$NOW is not a date") }
    }

    @Test func arithmetic() throws {
        #expect(try evaluate(#"{"$add": ["$a", "$b", 1]}"#) == 10)
        #expect(try evaluate(#"{"$add": ["$a", "$f"]}"#) == 9.5)
        #expect(try evaluate(#"{"$add": ["$a", "$missing"]}"#) == .null)
        #expect(try evaluate(#"{"$add": ["$at", 1000]}"#) == .datetime(ISODate.parse("2024-07-27T08:03:10.045Z")!))
        #expect(try evaluate(#"{"$subtract": ["$a", "$b"]}"#) == 5)
        #expect(try evaluate(#"{"$subtract": ["$at", {"$dateTrunc": {"date": "$at", "unit": "day"}}]}"#) == .int64(29_000_000 - 10_955))
        #expect(try evaluate(#"{"$multiply": ["$a", "$b", "$f"]}"#) == 35.0)
        #expect(try evaluate(#"{"$divide": ["$a", "$b"]}"#) == 3.5)
        #expect(try evaluate(#"{"$mod": ["$a", "$b"]}"#) == 1)
        #expect(try evaluate(#"{"$abs": -4}"#) == 4)
        #expect(try evaluate(#"{"$round": [2.5]}"#) == 2.0)
        #expect(try evaluate(#"{"$round": [3.5]}"#) == 4.0)
        #expect(try evaluate(#"{"$round": [1.2345, 2]}"#) == 1.23)
        #expect(try evaluate(#"{"$round": [1234, -2]}"#) == 1200)
        #expect(code(#"{"$divide": ["$a", 0]}"#) == 2)
        #expect(code(#"{"$add": ["$a", "$s"]}"#) == 16554)
    }

    @Test func comparisonAndLogic() throws {
        #expect(try evaluate(#"{"$gt": ["$a", "$b"]}"#) == true)
        #expect(try evaluate(#"{"$eq": ["$a", 7.0]}"#) == true)
        #expect(try evaluate(#"{"$lt": ["$a", "$s"]}"#) == true)
        #expect(try evaluate(#"{"$cmp": ["$b", "$a"]}"#) == .int32(-1))
        #expect(try evaluate(#"{"$ne": ["$missing", null]}"#) == true)
        #expect(try evaluate(#"{"$lte": ["$missing", null]}"#) == true)
        #expect(try evaluate(#"{"$and": [1, "$s", {"$gt": ["$a", 0]}]}"#) == true)
        #expect(try evaluate(#"{"$and": ["$n", {"$divide": [1, 0]}]}"#) == false)
        #expect(try evaluate(#"{"$or": [0, "$missing", "$empty"]}"#) == true)
        #expect(try evaluate(#"{"$not": ["$n"]}"#) == true)
        #expect(try evaluate(#"{"$in": [4, "$arr"]}"#) == true)
    }

    @Test func conditionals() throws {
        #expect(try evaluate(#"{"$cond": {"if": {"$gte": ["$a", 5]}, "then": "big", "else": "small"}}"#) == "big")
        #expect(try evaluate(#"{"$cond": [{"$gte": ["$b", 5]}, "big", "small"]}"#) == "small")
        #expect(try evaluate(#"{"$cond": [true, 1, {"$divide": [1, 0]}]}"#) == 1)
        #expect(try evaluate(#"{"$ifNull": ["$n", "$missing", "fallback"]}"#) == "fallback")
        #expect(try evaluate(#"{"$ifNull": ["$a", "fallback"]}"#) == 7)
        #expect(try evaluate(#"{"$switch": {"branches": [{"case": {"$lt": ["$a", 5]}, "then": "low"}, {"case": true, "then": "high"}]}}"#) == "high")
        #expect(code(#"{"$cond": {"if": true, "then": 1}}"#) == 2)
    }

    @Test func stringsArraysAndMinMax() throws {
        #expect(try evaluate(#"{"$concat": ["$s", "-", "x"]}"#) == "text-x")
        #expect(try evaluate(#"{"$concat": ["$s", "$n"]}"#) == .null)
        #expect(code(#"{"$concat": ["$s", 1]}"#) == 16702)
        #expect(try evaluate(#"{"$size": "$arr"}"#) == 3)
        #expect(code(#"{"$size": "$a"}"#) == 17124)
        #expect(try evaluate(#"{"$arrayElemAt": ["$arr", -1]}"#) == 4)
        #expect(try evaluate(#"{"$arrayElemAt": ["$arr", 5]}"#) == nil)
        #expect(try evaluate(#"{"$first": "$arr"}"#) == 3)
        #expect(try evaluate(#"{"$last": "$arr"}"#) == 4)
        #expect(try evaluate(#"{"$first": "$empty"}"#) == nil)
        #expect(try evaluate(#"{"$min": "$arr"}"#) == 1)
        #expect(try evaluate(#"{"$max": ["$a", "$b", "$n"]}"#) == 7)
        #expect(try evaluate(#"{"$min": ["$n", "$missing"]}"#) == .null)
    }

    @Test func conversions() throws {
        #expect(try evaluate(#"{"$toDate": "2024-07-27T08:03:09.045Z"}"#) == .datetime(ISODate.parse("2024-07-27T08:03:09.045Z")!))
        #expect(try evaluate(#"{"$toDate": "$oid"}"#) == .datetime(Int64(0x66a4a8ad) * 1000))
        #expect(try evaluate(#"{"$toDate": {"$numberLong": "86400000"}}"#) == .datetime(86_400_000))
        #expect(try evaluate(#"{"$toDate": "$n"}"#) == .null)
        #expect(code(#"{"$toDate": "not a date"}"#) == 241)
        #expect(try evaluate(#"{"$toString": "$a"}"#) == "7")
        #expect(try evaluate(#"{"$toString": "$f"}"#) == "2.5")
        #expect(try evaluate(#"{"$toString": 3.0}"#) == "3")
        #expect(try evaluate(#"{"$toString": "$at"}"#) == "2024-07-27T08:03:09.045Z")
        #expect(try evaluate(#"{"$toString": "$oid"}"#) == "66a4a8ad0000000000000000")
        #expect(try evaluate(#"{"$toDouble": "$a"}"#) == 7.0)
        #expect(try evaluate(#"{"$toDouble": "2.75"}"#) == 2.75)
        #expect(try evaluate(#"{"$toDouble": true}"#) == 1.0)
        #expect(code(#"{"$toDouble": "abc"}"#) == 241)
        #expect(try evaluate(#"{"$toInt": "42"}"#) == 42)
        #expect(try evaluate(#"{"$toLong": 2.9}"#) == .int64(2))
    }

    @Test func dateTruncUnitsAndBins() throws {
        func truncated(_ unit: String, _ extra: String = "") throws -> String? {
            guard case .datetime(let milliseconds)? = try evaluate(#"{"$dateTrunc": {"date": "$at", "unit": "\#(unit)"\#(extra)}}"#) else { return nil }
            return ISODate.format(milliseconds)
        }
        // 2024-07-27 is a Saturday.
        #expect(try truncated("second") == "2024-07-27T08:03:09.000Z")
        #expect(try truncated("minute") == "2024-07-27T08:03:00.000Z")
        #expect(try truncated("minute", #", "binSize": 15"#) == "2024-07-27T08:00:00.000Z")
        #expect(try truncated("hour", #", "binSize": 6"#) == "2024-07-27T06:00:00.000Z")
        #expect(try truncated("day") == "2024-07-27T00:00:00.000Z")
        #expect(try truncated("week") == "2024-07-21T00:00:00.000Z")
        #expect(try truncated("week", #", "startOfWeek": "monday""#) == "2024-07-22T00:00:00.000Z")
        #expect(try truncated("month") == "2024-07-01T00:00:00.000Z")
        #expect(try truncated("quarter") == "2024-07-01T00:00:00.000Z")
        #expect(try truncated("year") == "2024-01-01T00:00:00.000Z")
        #expect(try truncated("year", #", "binSize": 10"#) == "2020-01-01T00:00:00.000Z")
        // 294 months after 2000-01 falls in the bin starting 290 months after it.
        #expect(try truncated("month", #", "binSize": 5"#) == "2024-03-01T00:00:00.000Z")
        #expect(try evaluate(#"{"$dateTrunc": {"date": "$missing", "unit": "day"}}"#) == .null)
        #expect(try truncated("day", #", "timezone": "UTC""#) == "2024-07-27T00:00:00.000Z")
        #expect(code(#"{"$dateTrunc": {"date": "$at", "unit": "day", "timezone": "Europe/Paris"}}"#) == 238)
        #expect(code(#"{"$dateTrunc": {"date": "$at", "unit": "fortnight"}}"#) == 2)
        #expect(code(#"{"$dateTrunc": {"date": "$s", "unit": "day"}}"#) == 16006)
    }

    @Test func dateToStringFormatsAndDateParts() throws {
        #expect(try evaluate(#"{"$dateToString": {"date": "$at"}}"#) == "2024-07-27T08:03:09.045Z")
        #expect(try evaluate(#"{"$dateToString": {"date": "$at", "format": "%d/%m/%Y %H:%M:%S.%L day %j %%"}}"#) == "27/07/2024 08:03:09.045 day 209 %")
        #expect(try evaluate(#"{"$dateToString": {"date": "$missing", "onNull": "none"}}"#) == "none")
        #expect(code(#"{"$dateToString": {"date": "$at", "format": "%Q"}}"#) == 238)
        #expect(code(#"{"$dateToString": {"date": "$at", "timezone": "+02:00"}}"#) == 238)
        #expect(try evaluate(#"{"$year": "$at"}"#) == 2024)
        #expect(try evaluate(#"{"$month": "$at"}"#) == 7)
        #expect(try evaluate(#"{"$dayOfWeek": "$at"}"#) == 7)
        #expect(try evaluate(#"{"$hour": "$at"}"#) == 8)
    }

    @Test func objectsArraysAndStrings() throws {
        #expect(try evaluate(#"{"$objectToArray": "$sub"}"#) == [["k": "x", "v": 10]])
        #expect(try evaluate(#"{"$objectToArray": "$missing"}"#) == .null)
        #expect(code(#"{"$objectToArray": "$a"}"#) == 40390)
        #expect(try evaluate(#"{"$arrayToObject": [[["a", 1], ["b", 2]]]}"#) == ["a": 1, "b": 2])
        #expect(try evaluate(#"{"$arrayToObject": {"$objectToArray": "$sub"}}"#) == ["x": 10])
        #expect(try evaluate(#"{"$mergeObjects": ["$sub", {"y": 1}, "$n", {"x": 0}]}"#) == ["x": 0, "y": 1])
        #expect(try evaluate(#"{"$isArray": "$arr"}"#) == true)
        #expect(try evaluate(#"{"$sum": "$arr"}"#) == 8)
        #expect(try evaluate(#"{"$sum": ["$a", "$f", "$s"]}"#) == 9.5)
        #expect(try evaluate(#"{"$avg": "$arr"}"#) == .double(8.0 / 3.0))
        #expect(try evaluate(#"{"$avg": "$empty"}"#) == .null)
        #expect(try evaluate(#"{"$toUpper": "$s"}"#) == "TEXT")
        #expect(try evaluate(#"{"$toLower": "MiXeD"}"#) == "mixed")
        #expect(try evaluate(#"{"$strLenCP": "héllo"}"#) == 5)
        #expect(try evaluate(#"{"$split": ["a,b,,c", ","]}"#) == ["a", "b", "", "c"])
        #expect(try evaluate(#"{"$type": "$f"}"#) == "double")
        #expect(try evaluate(#"{"$type": "$missing"}"#) == "missing")
    }

    @Test func variablesOfLetMapFilterAndReduce() throws {
        #expect(try evaluate(#"{"$let": {"vars": {"total": {"$add": ["$a", "$b"]}}, "in": {"$multiply": ["$$total", 2]}}}"#) == 18)
        #expect(try evaluate(#"{"$map": {"input": "$arr", "as": "x", "in": {"$add": ["$$x", "$b"]}}}"#) == [5, 3, 6])
        #expect(try evaluate(#"{"$map": {"input": "$items", "in": "$$this.p"}}"#) == [1, 2, .null])
        #expect(try evaluate(#"{"$filter": {"input": "$arr", "as": "x", "cond": {"$gte": ["$$x", 3]}}}"#) == [3, 4])
        #expect(try evaluate(#"{"$filter": {"input": "$arr", "cond": {"$gte": ["$$this", 1]}, "limit": 2}}"#) == [3, 1])
        #expect(try evaluate(#"{"$reduce": {"input": "$arr", "initialValue": 0, "in": {"$add": ["$$value", "$$this"]}}}"#) == 8)
        #expect(try evaluate(#"{"$map": {"input": "$missing", "in": 1}}"#) == .null)
        #expect(try evaluate(#"{"$let": {"vars": {"outer": 1}, "in": {"$map": {"input": "$arr", "in": {"$add": ["$$this", "$$outer"]}}}}}"#) == [4, 2, 5])
        #expect(code(#"{"$map": {"input": "$a", "in": 1}}"#) == 16883)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$map": ["input": "$arr", "in": "$$other"]]) } == 17276)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$map": ["input": "$arr", "in": "$$this", "bad": 1]]) } == 9)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$let": ["vars": ["Upper": 1], "in": 1]]) } == 9)
    }

    @Test func unknownAndUnsupportedOperatorsAreNamed() throws {
        let unsupported = thrownError { _ = try ExpressionEvaluator.compile(["$regexMatch": ["input": "$s", "regex": "t"]]) }
        #expect(unsupported?.code == 238)
        #expect(unsupported?.message.contains("$regexMatch") == true)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$frobnicate": 1]) } == 168)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$add": 1, "$sub": 2]) } == 15983)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$subtract": [1]]) } == 16020)
        #expect(errorCode { _ = try ExpressionEvaluator.compile("$$unknown") } == 17276)
    }
}
