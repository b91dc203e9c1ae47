import Testing
@testable import BSON

/// Every BSON type Vigie uses survives document encoding, byte decoding and Extended JSON both ways.
@Suite struct DocumentRoundTripTests {
    static let everyType: Document = [
        "int32": .int32(-42),
        "int64": .int64(20_702_946_965),
        "double": .double(4.6),
        "negativeZero": .double(-0.0),
        "decimal": .decimal128(Decimal128("1234.5678")!),
        "string": .string("Vélib' — «Paris»\u{0}end"),
        "emptyString": .string(""),
        "true": .bool(true),
        "null": .null,
        "date": .datetime(1_722_067_380_123),
        "beforeEpoch": .datetime(-86_400_001),
        "oid": .objectId(ObjectId(hex: "66a4a3f0c2b1e5d4a3f0c2b1")!),
        "binary": .binary(subtype: 0, data: [0, 1, 2, 254, 255]),
        "uuid": .binary(subtype: 4, data: Array(0..<16)),
        "nested": ["values": ["mag": 4.6, "depth": 10.0], "tags": ["place": "Paris"]],
        "array": [1, "two", 3.5, ["four": 4], [5, 6]],
        "emptyArray": [],
        "regex": .regex(pattern: "^us", options: "i"),
        "timestamp": .timestamp(seconds: 1_700_000_000, increment: 7),
        "minKey": .minKey,
        "maxKey": .maxKey,
    ]

    @Test func bytesRoundTripExactly() throws {
        let copy = try Document(bytes: Self.everyType.bytes)
        #expect(copy == Self.everyType)
        for (key, value) in Self.everyType {
            #expect(copy[key] == value, "field \(key)")
        }
    }

    @Test(arguments: [ExtendedJSONMode.canonical, .relaxed])
    func extendedJSONRoundTripsExactly(mode: ExtendedJSONMode) throws {
        let text = Self.everyType.extendedJSON(mode)
        let parsed = try Document(json: text)
        #expect(parsed.keys == Self.everyType.keys)
        for (key, value) in Self.everyType {
            #expect(parsed[key] == value, "field \(key) in \(mode) JSON \(text)")
        }
    }

    @Test func canonicalJSONKeepsIntegerWidths() throws {
        let document: Document = ["a": .int32(1), "b": .int64(1), "c": .double(1)]
        let text = document.extendedJSON(.canonical)
        #expect(text.contains("\"$numberInt\" : \"1\""))
        #expect(text.contains("\"$numberLong\" : \"1\""))
        #expect(text.contains("\"$numberDouble\" : \"1.0\""))
    }

    @Test func parsesRelaxedAndCanonicalInput() throws {
        let document = try Document(json: """
        {"at": {"$date": "2024-07-27T08:03:00Z"}, "n": {"$numberLong": "9007199254740993"},
         "id": {"$oid": "66a4a3f0c2b1e5d4a3f0c2b1"}, "d": {"$numberDecimal": "0.1"}, "plain": 3, "f": 2.5}
        """)
        #expect(document["at"] == .datetime(1_722_067_380_000))
        #expect(document["n"] == .int64(9_007_199_254_740_993))
        #expect(document["id"]?.objectIdValue?.hex == "66a4a3f0c2b1e5d4a3f0c2b1")
        #expect(document["d"]?.typeName == "decimal")
        #expect(document["plain"] == .int32(3))
        #expect(document["f"] == .double(2.5))
    }

    @Test func malformedJSONNamesThePosition() {
        #expect {
            try Document(json: "{\"a\": 1, \"b\": }")
        } throws: { error in
            guard case BSONError.invalidJSON(let message) = error else { return false }
            return message.contains("position")
        }
    }

    @Test func malformedBytesAreRejected() {
        var bytes = (["a": "hello"] as Document).bytes
        #expect(throws: BSONError.self) { try Document(bytes: Array(bytes.dropLast())) }
        bytes[0] = 200  // a lying length field
        #expect(throws: BSONError.self) { try Document(bytes: bytes) }
        #expect(throws: BSONError.self) { try Document(bytes: [5, 0, 0]) }
        var lyingNested = (["n": ["x": 1]] as Document).bytes
        lyingNested[7] = 100  // the embedded document's own length field
        #expect(throws: BSONError.self) { try Document(bytes: lyingNested) }
        var lyingString = (["s": "abc"] as Document).bytes
        lyingString[7] = 90  // the string's length field
        #expect(throws: BSONError.self) { try Document(bytes: lyingString) }
    }

    @Test func dottedPathsReachNestedFieldsAndArrayElements() {
        let document = Self.everyType
        #expect(document.value(at: "nested.values.mag") == .double(4.6))
        #expect(document.value(at: "nested.tags.place") == .string("Paris"))
        #expect(document.value(at: "array.3.four") == .int32(4))
        #expect(document.value(at: "array.4.1") == .int32(6))
        #expect(document.value(at: "nested.missing") == nil)
        #expect(document.value(at: "int32.deeper") == nil)
    }

    @Test func subscriptSetReplacesInPlaceAndRemoves() {
        var document: Document = ["a": 1, "b": 2, "c": 3]
        let original = document
        document["b"] = "two"
        #expect(document.keys == ["a", "b", "c"])
        #expect(document["b"] == "two")
        document["a"] = nil
        #expect(document.keys == ["b", "c"])
        document["d"] = 4
        #expect(document.keys == ["b", "c", "d"])
        #expect(original.keys == ["a", "b", "c"], "copies are independent")
        #expect(original["b"] == 2)
    }
}
