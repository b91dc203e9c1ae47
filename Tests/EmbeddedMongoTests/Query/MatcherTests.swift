import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct MatcherTests {
    let inventory: [Document]

    init() throws {
        inventory = try jsonDocuments("""
        [{"_id": 1, "item": "journal", "qty": 25, "tags": ["blank", "red"], "size": {"h": 14, "w": 21, "uom": "cm"}},
         {"_id": 2, "item": "notebook", "qty": 50, "tags": ["red", "blank", "plain"], "size": {"h": 8.5, "w": 11, "uom": "in"}},
         {"_id": 3, "item": "paper", "qty": 100, "tags": ["red", "blank", "plain"], "size": {"h": 8.5, "w": 11, "uom": "in"}},
         {"_id": 4, "item": "planner", "qty": 75, "tags": ["blank", "red"], "size": {"h": 22.85, "w": 30, "uom": "cm"}},
         {"_id": 5, "item": "postcard", "qty": 45, "tags": ["blue"], "size": {"h": 10, "w": 15.25, "uom": "cm"}},
         {"_id": 6, "item": null},
         {"_id": 7}]
        """)
    }

    @Test func equalityAndComparison() throws {
        #expect(try matchingIds(#"{"item": "paper"}"#, inventory) == [3])
        #expect(try matchingIds(#"{"qty": {"$eq": 25}}"#, inventory) == [1])
        #expect(try matchingIds(#"{"qty": {"$gt": 50}}"#, inventory) == [3, 4])
        #expect(try matchingIds(#"{"qty": {"$gte": 50, "$lt": 100}}"#, inventory) == [2, 4])
        #expect(try matchingIds(#"{"qty": {"$lte": 25.0}}"#, inventory) == [1])
        #expect(try matchingIds(#"{"qty": {"$ne": 25}}"#, inventory) == [2, 3, 4, 5, 6, 7])
    }

    @Test func numbersMatchAcrossIntLongAndDouble() throws {
        let documents = try jsonDocuments(#"[{"_id": 1, "v": 5}, {"_id": 2, "v": {"$numberLong": "5"}}, {"_id": 3, "v": 5.0}, {"_id": 4, "v": 5.5}]"#)
        #expect(try matchingIds(#"{"v": 5}"#, documents) == [1, 2, 3])
        #expect(try matchingIds(#"{"v": {"$in": [5.5, 7]}}"#, documents) == [4])
    }

    @Test func comparisonsStayWithinTheTypeBracket() throws {
        let documents = try jsonDocuments(#"[{"_id": 1, "v": 3}, {"_id": 2, "v": "4"}, {"_id": 3, "v": null}, {"_id": 4, "v": true}, {"_id": 5}]"#)
        #expect(try matchingIds(#"{"v": {"$gt": 1}}"#, documents) == [1])
        #expect(try matchingIds(#"{"v": {"$lt": "z"}}"#, documents) == [2])
        #expect(try matchingIds(#"{"v": {"$gte": null}}"#, documents) == [3, 5])
        #expect(try matchingIds(#"{"v": {"$gt": {"$minKey": 1}}}"#, documents) == [1, 2, 3, 4, 5])
    }

    @Test func nullMatchesNullAndMissing() throws {
        #expect(try matchingIds(#"{"item": null}"#, inventory) == [6, 7])
        #expect(try matchingIds(#"{"item": {"$ne": null}}"#, inventory) == [1, 2, 3, 4, 5])
        #expect(try matchingIds(#"{"item": {"$exists": false}}"#, inventory) == [7])
        #expect(try matchingIds(#"{"item": {"$exists": true}}"#, inventory) == [1, 2, 3, 4, 5, 6])
        #expect(try matchingIds(#"{"item": {"$in": [null, "paper"]}}"#, inventory) == [3, 6, 7])
    }

    @Test func inAndNin() throws {
        #expect(try matchingIds(#"{"qty": {"$in": [25, 75]}}"#, inventory) == [1, 4])
        #expect(try matchingIds(#"{"tags": {"$in": ["blue", "plain"]}}"#, inventory) == [2, 3, 5])
        #expect(try matchingIds(#"{"tags": {"$nin": ["red"]}}"#, inventory) == [5, 6, 7])
        // Built as BSON: Extended JSON would read {"$regex": ...} as a regex value.
        #expect(errorCode { _ = try Matcher(filter: ["item": ["$in": [["$regex": "^p"]]]]) } == 2)
    }

    @Test func implicitArrayMatching() throws {
        #expect(try matchingIds(#"{"tags": "red"}"#, inventory) == [1, 2, 3, 4])
        #expect(try matchingIds(#"{"tags": ["blank", "red"]}"#, inventory) == [1, 4])
        #expect(try matchingIds(#"{"tags": ["red", "blank"]}"#, inventory).isEmpty)
        #expect(try matchingIds(#"{"tags.0": "red"}"#, inventory) == [2, 3])
        let nested = try jsonDocuments(#"[{"_id": 1, "a": [[1, 2], 3]}, {"_id": 2, "a": [1, 2]}]"#)
        #expect(try matchingIds(#"{"a": [1, 2]}"#, nested) == [1, 2])
        #expect(try matchingIds(#"{"a": 1}"#, nested) == [2])
    }

    @Test func dottedPathsThroughArraysOfDocuments() throws {
        let documents = try jsonDocuments("""
        [{"_id": 1, "instock": [{"warehouse": "A", "qty": 5}, {"warehouse": "C", "qty": 15}]},
         {"_id": 2, "instock": [{"warehouse": "C", "qty": 5}]},
         {"_id": 3, "instock": [{"warehouse": "A", "qty": 60}, {"warehouse": "B", "qty": 15}]},
         {"_id": 4, "instock": {"warehouse": "B", "qty": 40}},
         {"_id": 5, "instock": [{"warehouse": "A"}]},
         {"_id": 6, "instock": [{"qty": 25}, {"qty": 5}]}]
        """)
        #expect(try matchingIds(#"{"instock.qty": {"$lte": 20}}"#, documents) == [1, 2, 3, 6])
        #expect(try matchingIds(#"{"instock.warehouse": "B"}"#, documents) == [3, 4])
        #expect(try matchingIds(#"{"instock.0.qty": {"$lte": 20}}"#, documents) == [1, 2])
        // Different elements may satisfy the two bounds, unlike $elemMatch.
        #expect(try matchingIds(#"{"instock.qty": {"$gt": 10, "$lte": 20}}"#, documents) == [1, 3, 6])
        #expect(try matchingIds(#"{"instock": {"$elemMatch": {"qty": {"$gt": 10, "$lte": 20}}}}"#, documents) == [1, 3])
        #expect(try matchingIds(#"{"instock": {"$elemMatch": {"qty": 5, "warehouse": "A"}}}"#, documents) == [1])
        #expect(try matchingIds(#"{"instock.qty": null}"#, documents) == [5])
        #expect(try matchingIds(#"{"instock": {"warehouse": "A", "qty": 5}}"#, documents) == [1])
        #expect(try matchingIds(#"{"instock": {"qty": 5, "warehouse": "A"}}"#, documents).isEmpty)
    }

    @Test func logicalOperators() throws {
        #expect(try matchingIds(#"{"$or": [{"qty": {"$lt": 30}}, {"item": "paper"}]}"#, inventory) == [1, 3])
        #expect(try matchingIds(#"{"$and": [{"qty": {"$gt": 30}}, {"qty": {"$lt": 80}}]}"#, inventory) == [2, 4, 5])
        #expect(try matchingIds(#"{"$nor": [{"qty": {"$gt": 30}}, {"item": null}]}"#, inventory) == [1])
        #expect(try matchingIds(#"{"qty": {"$not": {"$gt": 50}}}"#, inventory) == [1, 2, 5, 6, 7])
        #expect(try matchingIds(#"{"item": {"$not": {"$regex": "^p"}}}"#, inventory) == [1, 2, 6, 7])
    }

    @Test func regexWithOptionsAndInsideIn() throws {
        #expect(try matchingIds(#"{"item": {"$regex": "^P", "$options": "i"}}"#, inventory) == [3, 4, 5])
        #expect(try matchingIds(#"{"item": {"$regex": "^P"}}"#, inventory).isEmpty)
        #expect(try matchingIds(#"{"item": {"$regularExpression": {"pattern": "book$", "options": ""}}}"#, inventory) == [2])
        #expect(try matchingIds(#"{"item": {"$in": [{"$regularExpression": {"pattern": "^jour", "options": ""}}, "paper"]}}"#, inventory) == [1, 3])
        #expect(try matchingIds(#"{"tags": {"$regex": "^bl"}}"#, inventory) == [1, 2, 3, 4, 5])
    }

    @Test func sizeTypeAllAndMod() throws {
        #expect(try matchingIds(#"{"tags": {"$size": 3}}"#, inventory) == [2, 3])
        #expect(try matchingIds(#"{"tags": {"$all": ["red", "plain"]}}"#, inventory) == [2, 3])
        #expect(try matchingIds(#"{"qty": {"$mod": [25, 0]}}"#, inventory) == [1, 2, 3, 4])
        // Built as BSON: Extended JSON would read {"$type": ...} as a binary value.
        func typed(_ field: String, _ type: BSONValue) -> [BSONValue] {
            guard let matcher = try? Matcher(filter: [field: ["$type": type]]) else { return [] }
            return inventory.filter { matcher.matches($0) }.compactMap { $0["_id"] }
        }
        #expect(typed("size.h", "double") == [2, 3, 4])
        #expect(typed("size.h", "number") == [1, 2, 3, 4, 5])
        #expect(typed("size.h", 16) == [1, 5])
        #expect(typed("tags", "array") == [1, 2, 3, 4, 5])
        #expect(typed("item", ["string", "null"]) == [1, 2, 3, 4, 5, 6])
        #expect(typed("item", "null") == [6])
    }

    @Test func elemMatchOnScalars() throws {
        let documents = try jsonDocuments(#"[{"_id": 1, "results": [82, 85, 88]}, {"_id": 2, "results": [75, 88, 89]}]"#)
        #expect(try matchingIds(#"{"results": {"$elemMatch": {"$gte": 80, "$lt": 85}}}"#, documents) == [1])
        #expect(try matchingIds(#"{"results": {"$gte": 80, "$lt": 85}}"#, documents) == [1, 2])
    }

    @Test func exprComparesFieldsOfTheSameDocument() throws {
        let documents = try jsonDocuments(#"[{"_id": 1, "spent": 400, "budget": 450}, {"_id": 2, "spent": 500, "budget": 400}]"#)
        #expect(try matchingIds(#"{"$expr": {"$gt": ["$spent", "$budget"]}}"#, documents) == [2])
    }

    @Test func emptyFilterMatchesEverything() throws {
        #expect(try matchingIds("{}", inventory).count == inventory.count)
    }

    @Test func unsupportedAndUnknownOperatorsAreRejectedByName() throws {
        for (filter, code, name) in [(#"{"$where": "this.a > 1"}"#, Int32(238), "$where"),
                                     (#"{"$text": {"$search": "x"}}"#, 238, "$text"),
                                     (#"{"loc": {"$geoWithin": {}}}"#, 238, "$geoWithin"),
                                     (#"{"a": {"$foo": 1}}"#, 2, "$foo"),
                                     (#"{"$foo": 1}"#, 2, "$foo")] {
            let error = thrownError { _ = try Matcher(filter: try json(filter)) }
            #expect(error?.code == code, "\(filter)")
            #expect(error?.message.contains(name) == true, "\(filter)")
        }
    }

    @Test func malformedArgumentsAreBadValue() throws {
        for filter in [#"{"a": {"$in": 5}}"#, #"{"$or": []}"#, #"{"a": {"$size": -1}}"#,
                       #"{"a": {"$not": 5}}"#, #"{"a": {"$mod": [0, 1]}}"#] {
            #expect(errorCode { _ = try Matcher(filter: try json(filter)) } == 2, "\(filter)")
        }
        #expect(errorCode { _ = try Matcher(filter: ["a": ["$options": "i"]]) } == 2)
        #expect(errorCode { _ = try Matcher(filter: ["a": ["$type": "nope"]]) } == 2)
        #expect(errorCode { _ = try Matcher(filter: ["a": ["$type": 99]]) } == 2)
        #expect(errorCode { _ = try Matcher(filter: ["a": ["$regex": "("]]) } == 51091)
    }
}
