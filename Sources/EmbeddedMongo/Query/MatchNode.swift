import BSON

/// One compiled node of a query filter; evaluated against a root value (a document, or an array
/// element inside `$elemMatch`).
indirect enum MatchNode: Sendable {
    case all([MatchNode])
    case any([MatchNode])
    case none([MatchNode])
    case not(MatchNode)
    case path([String], FieldTest)
    case expression(Expression)
    case constant(Bool)

    func evaluate(_ root: BSONValue) throws(CommandError) -> Bool {
        switch self {
        case .all(let nodes):
            for node in nodes where try !node.evaluate(root) { return false }
            return true
        case .any(let nodes):
            for node in nodes where try node.evaluate(root) { return true }
            return false
        case .none(let nodes):
            for node in nodes where try node.evaluate(root) { return false }
            return true
        case .not(let node):
            return try !node.evaluate(root)
        case .path(let path, let test):
            return try test.evaluate(root, path[...])
        case .expression(let expression):
            guard case .document(let document) = root else { return false }
            return ExpressionEvaluator.isTrue(try expression.evaluate(document))
        case .constant(let value):
            return value
        }
    }
}

/// A test applied to the values found at one path.
enum FieldTest: Sendable {
    /// Which of $gt, $gte, $lt, $lte.
    enum Comparison: Sendable { case greater, greaterOrEqual, less, lessOrEqual }

    case equal(BSONValue)
    case compare(BSONValue, Comparison)
    case among([BSONValue], [CompiledRegex])
    case exists(Bool)
    case regex(CompiledRegex)
    case size(Int)
    case type(Set<Int>)
    case mod(divisor: Int64, remainder: Int64)
    /// `$elemMatch`: some element of an array at the path satisfies the node (documents only when
    /// `documentsOnly`, the form `{$elemMatch: {field: ...}}`).
    case elemMatch(MatchNode, documentsOnly: Bool)
    /// `$all`: every listed test holds at the path.
    case allOf([FieldTest])

    func evaluate(_ root: BSONValue, _ path: ArraySlice<String>) throws(CommandError) -> Bool {
        switch self {
        case .exists(let wanted):
            let found = QueryPath.anyValue(in: root, path: path, expandArrays: false) { $0 != nil }
            return found == wanted
        case .size(let count):
            return QueryPath.anyValue(in: root, path: path, expandArrays: false) {
                if case .array(let elements)? = $0 { return elements.count == count }
                return false
            }
        case .elemMatch(let node, let documentsOnly):
            for case .array(let elements)? in QueryPath.values(in: root, path: path, expandArrays: false) {
                for element in elements {
                    if documentsOnly, case .document = element {} else if documentsOnly { continue }
                    if try node.evaluate(element) { return true }
                }
            }
            return false
        case .allOf(let tests):
            if tests.isEmpty { return false }
            for test in tests where try !test.evaluate(root, path) { return false }
            return true
        default:
            return QueryPath.anyValue(in: root, path: path, expandArrays: true) { test($0) }
        }
    }

    /// The single-value tests; `nil` is a missing field.
    private func test(_ value: BSONValue?) -> Bool {
        switch self {
        case .equal(let wanted):
            return Self.equals(value, wanted)
        case .compare(let bound, let comparison):
            let candidate = value ?? .null
            let crossesTypes: Bool = switch bound { case .minKey, .maxKey: true; default: false }
            guard crossesTypes || BSONOrder.bracket(candidate) == BSONOrder.bracket(bound) else { return false }
            let order = BSONOrder.compare(candidate, bound)
            switch comparison {
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            }
        case .among(let values, let regexes):
            if values.contains(where: { Self.equals(value, $0) }) { return true }
            guard let value else { return false }
            return regexes.contains { $0.matches(value) }
        case .regex(let regex):
            guard let value else { return false }
            return regex.matches(value)
        case .type(let types):
            guard let value else { return false }
            return types.contains(value.typeNumber)
        case .mod(let divisor, let remainder):
            guard let value, value.isNumber else { return false }
            guard let number = value.int64Value ?? value.doubleValue.flatMap(NumericArithmetic.truncatedInt64) else { return false }
            return NumericArithmetic.remainder(number, divisor) == remainder
        case .exists, .size, .elemMatch, .allOf:
            return false
        }
    }

    /// Query equality: `null` also matches a missing field; numbers compare by value.
    static func equals(_ value: BSONValue?, _ wanted: BSONValue) -> Bool {
        switch wanted {
        case .null:
            switch value {
            case nil, .null?, .undefined?: return true
            default: return false
            }
        default:
            guard let value else { return false }
            return BSONOrder.bracket(value) == BSONOrder.bracket(wanted) && BSONOrder.compare(value, wanted) == 0
        }
    }
}
