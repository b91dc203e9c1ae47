import BSON

/// A query filter compiled once into a tree of `MatchNode`s, then tested against many documents.
///
/// Supports $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $nor $not $regex/$options $elemMatch
/// $size $type $all $mod $expr, dotted paths and implicit array matching. Anything else throws.
struct Matcher: Sendable {
    let filter: Document
    private let root: MatchNode

    /// Compiles `filter`; unknown or unsupported operators throw BadValue or NotImplemented naming them.
    init(filter: Document) throws(CommandError) {
        try NestingLimit.check(.document(filter), "the query filter")
        self.filter = filter
        root = try Self.compile(filter)
    }

    /// True when `document` satisfies the filter. A `$expr` that fails at run time counts as no match;
    /// use `check` to see that error.
    func matches(_ document: Document) -> Bool {
        (try? root.evaluate(.document(document))) ?? false
    }

    /// Like `matches`, but reports a run-time `$expr` error instead of treating it as no match.
    func check(_ document: Document) throws(CommandError) -> Bool {
        try root.evaluate(.document(document))
    }

    /// The per-field equality and range constraints of this filter's top-level conjunction.
    var fieldConstraints: [String: FieldConstraint] { Self.fieldConstraints(filter) }

    // MARK: - Compilation

    static func compile(_ filter: Document) throws(CommandError) -> MatchNode {
        var nodes = [MatchNode]()
        for (key, value) in filter {
            if key.hasPrefix("$") {
                if let node = try compileTopLevel(key, value) { nodes.append(node) }
            } else {
                nodes.append(try compileField(key, value))
            }
        }
        return nodes.count == 1 ? nodes[0] : .all(nodes)
    }

    private static func compileTopLevel(_ name: String, _ value: BSONValue) throws(CommandError) -> MatchNode? {
        switch name {
        case "$and", "$or", "$nor":
            guard case .array(let clauses) = value, !clauses.isEmpty else {
                throw .badValue("\(name) must be a nonempty array")
            }
            var nodes = [MatchNode]()
            for clause in clauses {
                guard case .document(let document) = clause else {
                    throw .badValue("\(name) argument's entries must be objects")
                }
                nodes.append(try compile(document))
            }
            switch name {
            case "$and": return .all(nodes)
            case "$or": return .any(nodes)
            default: return .none(nodes)
            }
        case "$expr":
            return .expression(try ExpressionEvaluator.compile(value))
        case "$comment":
            return nil
        case "$where", "$text", "$jsonSchema", "$sampleRate", "$atomic", "$isolated":
            throw .notImplemented("query operator \(name)")
        default:
            throw .badValue("unknown top level operator: \(name)")
        }
    }

    private static func compileField(_ field: String, _ value: BSONValue) throws(CommandError) -> MatchNode {
        let path = QueryPath.split(field)
        switch value {
        case .regex(let pattern, let options):
            return .path(path, .regex(try CompiledRegex(pattern: pattern, options: options)))
        case .document(let operators) where operators.keys.first?.hasPrefix("$") == true:
            return try compileOperators(path, operators)
        default:
            return .path(path, .equal(value))
        }
    }

    /// `{$gt: 1, $lt: 5}`: each operator is its own test over the path's values (as MongoDB does, so
    /// `[0, 10]` satisfies both bounds through different elements).
    static func compileOperators(_ path: [String], _ operators: Document) throws(CommandError) -> MatchNode {
        var nodes = [MatchNode]()
        let pairs = operators.pairs
        let options = pairs.first { $0.key == "$options" }?.value
        for (name, argument) in pairs {
            switch name {
            case "$options":
                guard pairs.contains(where: { $0.key == "$regex" }) else { throw .badValue("$options needs a $regex") }
            case "$regex":
                nodes.append(.path(path, .regex(try regex(argument, options: options))))
            case "$not":
                switch argument {
                case .regex(let pattern, let flags):
                    nodes.append(.not(.path(path, .regex(try CompiledRegex(pattern: pattern, options: flags)))))
                case .document(let inner) where !inner.isEmpty && inner.keys.first?.hasPrefix("$") == true:
                    nodes.append(.not(try compileOperators(path, inner)))
                case .document(let inner) where inner.isEmpty:
                    throw .badValue("$not cannot be empty")
                default:
                    throw .badValue("$not needs a regex or a document")
                }
            case "$ne":
                nodes.append(.not(.path(path, try valueTest("$eq", argument))))
            case "$nin":
                nodes.append(.not(.path(path, try valueTest("$in", argument))))
            default:
                nodes.append(.path(path, try valueTest(name, argument)))
            }
        }
        return nodes.count == 1 ? nodes[0] : .all(nodes)
    }

    private static func regex(_ argument: BSONValue, options: BSONValue?) throws(CommandError) -> CompiledRegex {
        var flags = ""
        if let options {
            guard case .string(let text) = options else { throw .badValue("$options has to be a string") }
            flags = text
        }
        switch argument {
        case .string(let pattern):
            return try CompiledRegex(pattern: pattern, options: flags)
        case .regex(let pattern, let ownFlags):
            if !ownFlags.isEmpty, options != nil {
                throw .badValue("options set in both $regex and $options")
            }
            return try CompiledRegex(pattern: pattern, options: ownFlags.isEmpty ? flags : ownFlags)
        default:
            throw .badValue("$regex has to be a string")
        }
    }

    /// The test of one positive operator.
    private static func valueTest(_ name: String, _ argument: BSONValue) throws(CommandError) -> FieldTest {
        switch name {
        case "$eq": return .equal(argument)
        case "$gt": return .compare(argument, .greater)
        case "$gte": return .compare(argument, .greaterOrEqual)
        case "$lt": return .compare(argument, .less)
        case "$lte": return .compare(argument, .lessOrEqual)
        case "$in":
            guard case .array(let elements) = argument else { throw .badValue("\(name) needs an array") }
            var values = [BSONValue](), regexes = [CompiledRegex]()
            for element in elements {
                switch element {
                case .regex(let pattern, let options):
                    regexes.append(try CompiledRegex(pattern: pattern, options: options))
                case .document(let document) where document.keys.first?.hasPrefix("$") == true:
                    throw .badValue("cannot nest $ under $in")
                default:
                    values.append(element)
                }
            }
            return .among(values, regexes)
        case "$exists":
            return .exists(ExpressionEvaluator.isTrue(argument))
        case "$size":
            guard argument.isNumber, let count = argument.int64Value, count >= 0 else {
                throw .badValue("$size needs a non-negative whole number, not \(argument.typeName)")
            }
            return .size(Int(count))
        case "$type":
            return .type(try typeCodes(argument))
        case "$mod":
            guard case .array(let parts) = argument, parts.count == 2,
                  let divisor = parts[0].doubleValue.flatMap(NumericArithmetic.truncatedInt64),
                  let remainder = parts[1].doubleValue.flatMap(NumericArithmetic.truncatedInt64) else {
                throw .badValue("malformed mod, needs to be an array of [divisor, remainder]")
            }
            guard divisor != 0 else { throw .badValue("divisor cannot be 0") }
            return .mod(divisor: divisor, remainder: remainder)
        case "$elemMatch":
            guard case .document(let inner) = argument else { throw .badValue("$elemMatch needs an Object") }
            return try elemMatch(inner)
        case "$all":
            guard case .array(let elements) = argument else { throw .badValue("$all needs an array") }
            var tests = [FieldTest]()
            for element in elements {
                switch element {
                case .document(let document) where document.keys.first == "$elemMatch":
                    guard case .document(let inner)? = document["$elemMatch"] else {
                        throw .badValue("$elemMatch needs an Object")
                    }
                    tests.append(try elemMatch(inner))
                case .regex(let pattern, let options):
                    tests.append(.regex(try CompiledRegex(pattern: pattern, options: options)))
                default:
                    tests.append(.equal(element))
                }
            }
            return .allOf(tests)
        case "$where", "$text", "$near", "$nearSphere", "$geoWithin", "$geoIntersects", "$within",
             "$bitsAllSet", "$bitsAllClear", "$bitsAnySet", "$bitsAnyClear", "$jsonSchema", "$expr":
            throw .notImplemented("query operator \(name)")
        default:
            throw .badValue("unknown operator: \(name)")
        }
    }

    private static func elemMatch(_ inner: Document) throws(CommandError) -> FieldTest {
        let isValueForm: Bool = if let first = inner.keys.first, first.hasPrefix("$"),
            !["$and", "$or", "$nor", "$expr", "$where", "$text", "$comment"].contains(first) { true } else { false }
        if isValueForm {
            return .elemMatch(try compileOperators([], inner), documentsOnly: false)
        }
        return .elemMatch(try compile(inner), documentsOnly: true)
    }

    /// `$type` arguments: a name, a number, "number", or an array of them.
    static func typeCodes(_ argument: BSONValue) throws(CommandError) -> Set<Int> {
        switch argument {
        case .array(let elements):
            var codes = Set<Int>()
            for element in elements { codes.formUnion(try typeCodes(element)) }
            return codes
        case .string(let name):
            if name == "number" { return [1, 16, 18, 19] }
            guard let code = typeAliases[name] else { throw .badValue("Unknown type name alias: \(name)") }
            return [code]
        default:
            guard argument.isNumber, let code = argument.int64Value,
                  typeAliases.values.contains(Int(code)) else {
                throw .badValue("Invalid numerical type code: \(argument)")
            }
            return [Int(code)]
        }
    }

    static let typeAliases: [String: Int] = [
        "double": 1, "string": 2, "object": 3, "array": 4, "binData": 5, "undefined": 6, "objectId": 7,
        "bool": 8, "date": 9, "null": 10, "regex": 11, "dbPointer": 12, "javascript": 13, "symbol": 14,
        "javascriptWithScope": 15, "int": 16, "timestamp": 17, "long": 18, "decimal": 19,
        "minKey": -1, "maxKey": 127,
    ]
}
