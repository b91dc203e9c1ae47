import BSON
import Testing
@testable import EmbeddedMongo

/// Hostile or extreme input gets an error or a sane value, never a trap.
@Suite struct RobustnessTests {
    @Test func deeplyNestedSpecificationsAreRejected() throws {
        var filter: BSONValue = ["a": 1]
        for _ in 0..<150 { filter = ["$and": [filter]] }
        #expect(errorCode { _ = try Matcher(filter: filter.documentValue!) } == 2)
        var expression: BSONValue = "$a"
        for _ in 0..<150 { expression = ["$abs": expression] }
        #expect(errorCode { _ = try ExpressionEvaluator.compile(expression) } == 2)
        var shallow: BSONValue = ["a": 1]
        for _ in 0..<20 { shallow = ["$and": [shallow]] }
        #expect(try Matcher(filter: shallow.documentValue!).matches(["a": 1]))
    }

    @Test func extremeNumbersDoNotTrap() throws {
        let document: Document = ["big": .double(1e300), "min": .int64(Int64.min), "nan": .double(.nan), "at": .datetime(0)]
        #expect(try Matcher(filter: ["big": ["$mod": [7, 0]]]).matches(document) == false)
        #expect(try Matcher(filter: ["min": ["$mod": [-1, 0]]]).matches(document))
        #expect(errorCode { _ = try Matcher(filter: ["a": ["$mod": [1e300, 0]]]) } == 2)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$toDate": "$big"]).evaluate(document) } == 241)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$add": ["$at", "$big"]]).evaluate(document) } == 2)
        #expect(try ExpressionEvaluator.compile(["$mod": ["$min", -1]]).evaluate(document) == .int64(0))
        #expect(try ExpressionEvaluator.compile(["$round": [.int64(Int64.max), -1]]).evaluate(document)?.isDouble == true)
        #expect(errorCode { _ = try ExpressionEvaluator.compile(["$dateTrunc": ["date": "$at", "unit": "year", "binSize": .int64(Int64.max)]]).evaluate(document) } == 2)
        let sliced = try UpdateEngine.apply(["$push": ["t": ["$each": [1, 2], "$slice": .int64(Int64.min)]]], to: ["_id": 1], isInsert: false)
        #expect(sliced.document["t"] == [1, 2])
    }

    @Test func hugeArrayIndexesInUpdatesAreRefused() throws {
        #expect(errorCode { _ = try UpdateEngine.apply(["$set": ["a.99999999": 1]], to: ["_id": 1, "a": []], isInsert: false) } == 2)
    }

    @Test func emptyFieldNamesAreRejected() throws {
        #expect(errorCode { _ = try Pipeline(stages: [["$addFields": ["a..b": 1]]]) } == 15998)
        #expect(errorCode { _ = try Projection(["a..b": 1]) } == 15998)
        #expect(errorCode { _ = try UpdateEngine(["$set": ["a..b": 1]]) } == 56)
    }
}
