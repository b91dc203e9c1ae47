import BSON

/// MongoDB's total order over BSON values, used by comparisons, sorts, $min/$max and indexes.
enum BSONOrder {
    /// The type bracket of a value: values of different brackets never compare equal, and the bracket
    /// decides their order (MinKey < null < numbers < string < object < array < binData < ObjectId
    /// < bool < date < timestamp < regex < javascript < MaxKey).
    static func bracket(_ value: BSONValue) -> Int {
        switch value {
        case .minKey: return 0
        case .undefined, .null: return 1
        case .double, .int32, .int64, .decimal128: return 2
        case .string: return 3
        case .document: return 4
        case .array: return 5
        case .binary: return 6
        case .objectId: return 7
        case .bool: return 8
        case .datetime: return 9
        case .timestamp: return 10
        case .regex: return 11
        case .javascript: return 12
        case .maxKey: return 13
        }
    }

    /// Compares two values: negative, zero or positive, as MongoDB orders them.
    static func compare(_ a: BSONValue, _ b: BSONValue) -> Int {
        let bracketA = bracket(a), bracketB = bracket(b)
        if bracketA != bracketB { return bracketA < bracketB ? -1 : 1 }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return compareBytes(x, y)
        case (.document(let x), .document(let y)):
            return compareFields(x.pairs.map { ($0.key, $0.value) }, y.pairs.map { ($0.key, $0.value) })
        case (.array(let x), .array(let y)):
            return compareElements(x, y)
        case (.binary(let subtypeA, let dataA), .binary(let subtypeB, let dataB)):
            if dataA.count != dataB.count { return dataA.count < dataB.count ? -1 : 1 }
            if subtypeA != subtypeB { return subtypeA < subtypeB ? -1 : 1 }
            return compareSequences(dataA, dataB)
        case (.objectId(let x), .objectId(let y)):
            return compareSequences(x.bytes, y.bytes)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        case (.datetime(let x), .datetime(let y)):
            return sign(x, y)
        case (.timestamp(let secondsA, let incrementA), .timestamp(let secondsB, let incrementB)):
            return secondsA != secondsB ? sign(secondsA, secondsB) : sign(incrementA, incrementB)
        case (.regex(let patternA, let optionsA), .regex(let patternB, let optionsB)):
            let byPattern = compareBytes(patternA, patternB)
            return byPattern != 0 ? byPattern : compareBytes(optionsA, optionsB)
        case (.javascript(let x), .javascript(let y)):
            return compareBytes(x, y)
        default:
            if a.isNumber { return compareNumbers(a, b) }
            return 0
        }
    }

    /// True when MongoDB's equality holds (numbers of any type compare by value).
    static func equal(_ a: BSONValue, _ b: BSONValue) -> Bool {
        compare(a, b) == 0
    }

    /// Numeric comparison across int32, int64, double and decimal128; NaN sorts below every number.
    static func compareNumbers(_ a: BSONValue, _ b: BSONValue) -> Int {
        if let x = exactInteger(a), let y = exactInteger(b) { return sign(x, y) }
        let x = a.doubleValue ?? .nan, y = b.doubleValue ?? .nan
        if x.isNaN || y.isNaN { return x.isNaN ? (y.isNaN ? 0 : -1) : 1 }
        if x != y { return x < y ? -1 : 1 }
        // Equal as doubles: an int64 beyond 2^53 may still differ from the double by a few units.
        if case .int64(let integer) = a, case .double(let double) = b { return compareIntegerToDouble(integer, double) }
        if case .int64(let integer) = b, case .double(let double) = a { return -compareIntegerToDouble(integer, double) }
        return 0
    }

    private static func exactInteger(_ value: BSONValue) -> Int64? {
        switch value {
        case .int32(let number): return Int64(number)
        case .int64(let number): return number
        default: return nil
        }
    }

    private static func compareIntegerToDouble(_ integer: Int64, _ double: Double) -> Int {
        guard double >= -9.223372036854775808e18, double < 9.223372036854775808e18 else { return double > 0 ? -1 : 1 }
        return sign(integer, Int64(double))
    }

    /// Fields in order: canonical type first, then name, then value; the shorter document is smaller.
    static func compareFields(_ a: [(String, BSONValue)], _ b: [(String, BSONValue)]) -> Int {
        for index in 0..<min(a.count, b.count) {
            let (nameA, valueA) = a[index], (nameB, valueB) = b[index]
            let bracketA = bracket(valueA), bracketB = bracket(valueB)
            if bracketA != bracketB { return bracketA < bracketB ? -1 : 1 }
            let byName = compareBytes(nameA, nameB)
            if byName != 0 { return byName }
            let byValue = compare(valueA, valueB)
            if byValue != 0 { return byValue }
        }
        return sign(a.count, b.count)
    }

    static func compareElements(_ a: [BSONValue], _ b: [BSONValue]) -> Int {
        for index in 0..<min(a.count, b.count) {
            let result = compare(a[index], b[index])
            if result != 0 { return result }
        }
        return sign(a.count, b.count)
    }

    /// Binary (UTF-8 byte) order, MongoDB's "simple" collation.
    static func compareBytes(_ a: String, _ b: String) -> Int {
        // ASCII in contiguous storage (the usual field name): a plain byte loop gives the same answer as below,
        // where String's own == (canonical equivalence) matters only beyond ASCII.
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int? in
                guard !x.contains(where: { $0 >= 0x80 }), !y.contains(where: { $0 >= 0x80 }) else { return nil }
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if case .some(.some(.some(let order))) = fast { return order }
        if a == b { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    private static func compareSequences(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    private static func sign<T: Comparable>(_ a: T, _ b: T) -> Int {
        a < b ? -1 : (a == b ? 0 : 1)
    }
}
