import BSON
import Testing
@testable import EmbeddedMongo

@Suite struct QueryPathTests {
    @Test func valuesFollowDocumentsArraysAndIndexes() throws {
        let document = BSONValue.document(try json("""
        {"a": [{"b": 1}, {"b": [2, 3]}, {"c": 4}, 5, [{"b": 6}]], "s": {"t": 7}, "n": null}
        """))
        #expect(QueryPath.values(in: document, path: ["a", "b"], expandArrays: false) == [1, [2, 3], nil])
        #expect(QueryPath.values(in: document, path: ["a", "b"], expandArrays: true) == [1, [2, 3], 2, 3, nil])
        #expect(QueryPath.values(in: document, path: ["a", "1", "b"], expandArrays: false) == [[2, 3]])
        #expect(QueryPath.values(in: document, path: ["s", "t"], expandArrays: true) == [7])
        #expect(QueryPath.values(in: document, path: ["s", "t", "u"], expandArrays: true) == [nil])
        #expect(QueryPath.values(in: document, path: ["n", "x"], expandArrays: true) == [nil])
        #expect(QueryPath.values(in: document, path: ["zz"], expandArrays: true) == [nil])
    }

    @Test func anyValueAgreesWithValuesOnGeneratedDocuments() {
        var generator = SplitMix(seed: 42)
        let paths: [[String]] = [["a"], ["a", "b"], ["a", "0"], ["a", "0", "b"], ["a", "b", "c"], ["b"], ["a", "1", "c"]]
        let targets: [BSONValue] = [1, 2, "x", .null, [1, 2]]
        for _ in 0..<400 {
            let root = BSONValue.document(Document([("a", randomValue(&generator, depth: 0)), ("b", randomValue(&generator, depth: 2))]))
            for path in paths {
                for expand in [false, true] {
                    let listed = QueryPath.values(in: root, path: path[...], expandArrays: expand)
                    for target in targets {
                        let predicate: (BSONValue?) -> Bool = { FieldTest.equals($0, target) }
                        #expect(QueryPath.anyValue(in: root, path: path[...], expandArrays: expand, predicate) == listed.contains(where: predicate),
                                "\(root) \(path) \(expand) \(target)")
                    }
                    #expect(QueryPath.anyValue(in: root, path: path[...], expandArrays: expand) { $0 == nil } == listed.contains { $0 == nil })
                }
            }
        }
    }

    private func randomValue(_ generator: inout SplitMix, depth: Int) -> BSONValue {
        switch generator.next() % (depth >= 3 ? 3 : 6) {
        case 0: return .int32(Int32(generator.next() % 3))
        case 1: return generator.next() % 2 == 0 ? "x" : .null
        case 2: return .double(Double(generator.next() % 3))
        case 3:
            let count = Int(generator.next() % 4)
            return .array((0..<count).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            let names = ["b", "c", "0"]
            var document = Document()
            for name in names where generator.next() % 2 == 0 { document.append(name, randomValue(&generator, depth: depth + 1)) }
            return .document(document)
        }
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
