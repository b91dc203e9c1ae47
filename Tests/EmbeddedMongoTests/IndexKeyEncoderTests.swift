import BSON
@testable import EmbeddedMongo
import Testing

/// The index key encoding must order bytes exactly as MongoDB orders values, ascending and descending.
@Suite struct IndexKeyEncoderTests {
    static let samples: [BSONValue] = [
        .minKey, .maxKey, .null, .undefined,
        .double(-.infinity), .double(-1e300), .int64(Int64.min), .int32(-5), .double(-4.5), .double(-0.0), .int32(0),
        .double(0.5), .int32(1), .int64(1), .double(1), .double(2.5), .int64(1 << 53), .int64((1 << 53) + 1),
        .double(9.007199254740994e15), .int64(Int64.max), .double(.infinity), .double(.nan),
        .string(""), .string("a"), .string("a\u{0}b"), .string("a\u{0}"), .string("ab"), .string("b"), .string("é"),
        .document([:]), .document(["a": 1]), .document(["a": 2]), .document(["a": 1, "b": 1]), .document(["b": 0]),
        .document(["a": "x"]),
        .array([]), .array([1]), .array([1, 2]), .array([2]),
        .binary(subtype: 0, data: []), .binary(subtype: 0, data: [1]), .binary(subtype: 4, data: [0]), .binary(subtype: 0, data: [0, 0]),
        .objectId(ObjectId(hex: "000000000000000000000001")!), .objectId(ObjectId(hex: "ff0000000000000000000000")!),
        .bool(false), .bool(true),
        .datetime(-1000), .datetime(0), .datetime(1_785_000_000_000),
        .timestamp(seconds: 1, increment: 5), .timestamp(seconds: 2, increment: 0),
        .regex(pattern: "a", options: ""), .regex(pattern: "a", options: "i"), .javascript("x"),
    ]

    @Test func byteOrderMatchesBSONOrderForEveryPair() {
        for a in Self.samples {
            for b in Self.samples {
                let expected = BSONOrder.compare(a, b).signum()
                let ascending = compare(IndexKeyEncoder.encode(a), IndexKeyEncoder.encode(b))
                #expect(ascending == expected, "\(a) vs \(b)")
                var descendingA = [UInt8](), descendingB = [UInt8]()
                IndexKeyEncoder.appendComponent(a, descending: true, to: &descendingA)
                IndexKeyEncoder.appendComponent(b, descending: true, to: &descendingB)
                #expect(compare(descendingA, descendingB) == -expected, "descending \(a) vs \(b)")
            }
        }
    }

    @Test func compoundKeysOrderByFirstComponentThenSecond() {
        func key(_ first: BSONValue, _ second: BSONValue) -> [UInt8] {
            var bytes = [UInt8]()
            IndexKeyEncoder.appendComponent(first, descending: false, to: &bytes)
            IndexKeyEncoder.appendComponent(second, descending: true, to: &bytes)
            return bytes
        }
        // A shorter string first component must not let the second component leak into the comparison.
        #expect(compare(key("a", 1), key("ab", 0)) < 0)
        #expect(compare(key("a", 2), key("a", 1)) < 0, "descending second field")
        #expect(compare(key("usgs", .datetime(5)), key("usgs", .datetime(4))) < 0)
    }

    @Test func successorBoundsEveryKeyWithThePrefix() {
        let prefix = IndexKeyEncoder.encode("usgs")
        let upper = IndexKeyEncoder.successor(ofPrefix: prefix)!
        var inside = prefix
        IndexKeyEncoder.appendComponent(.int64(Int64.max), descending: false, to: &inside)
        #expect(compare(inside, upper) < 0)
        #expect(compare(IndexKeyEncoder.encode("usgt"), upper) >= 0)
        #expect(IndexKeyEncoder.successor(ofPrefix: [0xFF, 0xFF]) == nil)
    }

    private func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
