import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct BSONOrderTests {
    @Test func typesSortInMongoDBOrder() throws {
        let ascending: [BSONValue] = [
            .minKey, .null, .int32(-5), .string("a"), .document(["x": 1]), .array([1]),
            .binary(subtype: 0, data: [1]), .objectId(ObjectId(hex: "000000000000000000000001")!), .bool(false),
            .datetime(0), .timestamp(seconds: 1, increment: 0), .regex(pattern: "a", options: ""), .maxKey,
        ]
        for (index, lower) in ascending.enumerated() {
            for higher in ascending[(index + 1)...] {
                #expect(BSONOrder.compare(lower, higher) < 0, "\(lower) should sort before \(higher)")
                #expect(BSONOrder.compare(higher, lower) > 0)
            }
            #expect(BSONOrder.compare(lower, lower) == 0)
        }
    }

    @Test func numbersCompareByValueAcrossTypes() {
        #expect(BSONOrder.compare(.int32(1), .double(1.0)) == 0)
        #expect(BSONOrder.compare(.int64(2), .int32(2)) == 0)
        #expect(BSONOrder.compare(.double(1.5), .int64(2)) < 0)
        #expect(BSONOrder.compare(.decimal128(Decimal128("2.5")!), .double(2.25)) > 0)
        #expect(BSONOrder.compare(.int64(Int64.max), .double(9.223372036854775807e18)) < 0)
        #expect(BSONOrder.compare(.int64(9_007_199_254_740_993), .double(9_007_199_254_740_992)) > 0)
    }

    @Test func nanSortsBelowEveryNumberAndEqualsItself() {
        #expect(BSONOrder.compare(.double(.nan), .double(-.infinity)) < 0)
        #expect(BSONOrder.compare(.double(.nan), .double(.nan)) == 0)
        #expect(BSONOrder.compare(.int32(0), .double(.nan)) > 0)
    }

    @Test func nullAndUndefinedShareABracket() {
        #expect(BSONOrder.compare(.null, .undefined) == 0)
        #expect(BSONOrder.compare(.undefined, .int32(0)) < 0)
    }

    @Test func stringsCompareByUTF8Bytes() {
        #expect(BSONOrder.compare("B", "a") < 0)
        #expect(BSONOrder.compare("a", "ab") < 0)
        #expect(BSONOrder.compare("é", "z") > 0)
    }

    @Test func documentsCompareFieldByField() throws {
        #expect(BSONOrder.compare(.document(try json(#"{"a": 1}"#)), .document(try json(#"{"a": 2}"#))) < 0)
        #expect(BSONOrder.compare(.document(try json(#"{"a": 1}"#)), .document(try json(#"{"a": 1, "b": 0}"#))) < 0)
        #expect(BSONOrder.compare(.document(try json(#"{"a": 1}"#)), .document(try json(#"{"b": 1}"#))) < 0)
        // The value's type bracket is compared before the field name.
        #expect(BSONOrder.compare(.document(try json(#"{"b": 1}"#)), .document(try json(#"{"a": "x"}"#))) < 0)
        #expect(BSONOrder.compare(.document(try json(#"{"a": 1}"#)), .document(try json(#"{"a": 1.0}"#))) == 0)
    }

    @Test func arraysCompareElementWise() {
        #expect(BSONOrder.compare([1, 2], [1, 3]) < 0)
        #expect(BSONOrder.compare([1, 2], [1, 2, 0]) < 0)
        #expect(BSONOrder.compare([2], [1, 9]) > 0)
        #expect(BSONOrder.compare([], [.minKey]) < 0)
    }

    @Test func otherTypesCompareWithinTheirBracket() {
        #expect(BSONOrder.compare(.bool(false), .bool(true)) < 0)
        #expect(BSONOrder.compare(.datetime(-1), .datetime(0)) < 0)
        #expect(BSONOrder.compare(.timestamp(seconds: 1, increment: 9), .timestamp(seconds: 2, increment: 0)) < 0)
        #expect(BSONOrder.compare(.binary(subtype: 0, data: [9]), .binary(subtype: 0, data: [1, 1])) < 0)
        #expect(BSONOrder.compare(.objectId(ObjectId(hex: "65a000000000000000000000")!),
                                  .objectId(ObjectId(hex: "65b000000000000000000000")!)) < 0)
    }
}
