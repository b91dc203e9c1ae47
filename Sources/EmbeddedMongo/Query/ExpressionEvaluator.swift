import BSON
import Foundation

/// Compiles aggregation expressions (field paths, `$$ROOT`, literals, operators) into `Expression`s.
enum ExpressionEvaluator {
    static let builtinVariables: Set<String> = ["ROOT", "CURRENT", "NOW", "REMOVE"]

    /// Compiles one expression; unknown operators throw NotImplemented (known to MongoDB) or
    /// InvalidPipelineOperator, naming the operator; a variable no enclosing `$let`/`$map`/`$filter`/
    /// `$reduce` binds throws code 17276.
    static func compile(_ value: BSONValue) throws(CommandError) -> Expression {
        try NestingLimit.check(value, "the expression")
        let expression = try compileNested(value)
        try VariableBinding.checkBound(expression, [])
        return expression
    }

    /// Compiles a part of an expression, whose variables an enclosing expression may bind.
    static func compileNested(_ value: BSONValue) throws(CommandError) -> Expression {
        switch value {
        case .string(let text) where text.hasPrefix("$$"):
            let parts = QueryPath.split(String(text.dropFirst(2)))
            guard let name = parts.first, builtinVariables.contains(name) || VariableBinding.isUserVariableName(name) else {
                throw CommandError(code: 17276, codeName: "Location17276", message: "Use of undefined variable: \(parts.first ?? "")")
            }
            return .variable(name, Array(parts.dropFirst()))
        case .string(let text) where text.hasPrefix("$"):
            let parts = QueryPath.split(String(text.dropFirst()))
            guard !parts.contains(where: { $0.isEmpty || $0.hasPrefix("$") }) else {
                throw CommandError(code: 16872, codeName: "Location16872", message: "'\(text)' is not a valid field path")
            }
            return .fieldPath(parts)
        case .array(let elements):
            var compiled = [Expression]()
            for element in elements { compiled.append(try compileNested(element)) }
            return .array(compiled)
        case .document(let document):
            let pairs = document.pairs
            if let first = pairs.first?.key, first.hasPrefix("$") {
                guard pairs.count == 1 else {
                    throw CommandError(code: 15983, codeName: "Location15983",
                                       message: "an expression specification must contain exactly one field, the name of the expression. Found \(pairs.count) fields in \(document)")
                }
                return try compileOperator(first, pairs[0].value)
            }
            var fields = [(String, Expression)]()
            for (name, element) in pairs {
                guard !name.hasPrefix("$") else {
                    throw CommandError(code: 16410, codeName: "Location16410",
                                       message: "FieldPath field names may not start with '$'. Got '\(name)'")
                }
                fields.append((name, try compileNested(element)))
            }
            return .object(fields)
        default:
            return .literal(value)
        }
    }

    /// MongoDB truthiness: false, null, undefined, missing and zero are false; all else is true.
    static func isTrue(_ value: BSONValue?) -> Bool {
        switch value {
        case nil, .null?, .undefined?: return false
        case .bool(let flag)?: return flag
        case .int32(let number)?: return number != 0
        case .int64(let number)?: return number != 0
        case .double(let number)?: return number != 0
        case .decimal128(let number)?: return (Double(number.description) ?? 1) != 0
        default: return true
        }
    }

    static func currentMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func compileOperator(_ name: String, _ argument: BSONValue) throws(CommandError) -> Expression {
        switch name {
        case "$literal":
            return .literal(argument)
        case "$cond":
            let parts: [BSONValue]
            switch argument {
            case .array(let elements) where elements.count == 3:
                parts = elements
            case .document(let document):
                guard let condition = document["if"], let then = document["then"], let otherwise = document["else"],
                      document.count == 3 else {
                    throw .badValue("$cond needs exactly the fields 'if', 'then' and 'else'")
                }
                parts = [condition, then, otherwise]
            default:
                throw .badValue("$cond needs an array of 3 expressions or an object with 'if', 'then', 'else'")
            }
            return .conditional(try compileNested(parts[0]), then: try compileNested(parts[1]), else: try compileNested(parts[2]))
        case "$and", "$or":
            return .logical(isAnd: name == "$and", try compileArguments(name, argument))
        case "$ifNull":
            let operands = try compileArguments(name, argument)
            guard operands.count >= 2 else { throw .badValue("$ifNull needs at least two arguments, had: \(operands.count)") }
            return .ifNull(operands)
        case "$switch":
            return try compileSwitch(argument)
        case "$dateTrunc":
            return try DateExpressions.compileDateTrunc(argument)
        case "$dateToString":
            return try DateExpressions.compileDateToString(argument)
        case "$let", "$map", "$filter", "$reduce":
            return .binding(try VariableBinding(name, argument))
        default:
            guard let function = ExpressionOperators.table[name] else {
                if ExpressionOperators.knownUnsupported.contains(name) {
                    throw .notImplemented("expression operator \(name)")
                }
                throw CommandError(code: 168, codeName: "InvalidPipelineOperator", message: "Unrecognized expression '\(name)'")
            }
            let arguments = try compileArguments(name, argument)
            if let arity = function.arity, !arity.contains(arguments.count) {
                throw CommandError(code: 16020, codeName: "Location16020",
                                   message: "Expression \(name) takes \(arity.lowerBound == arity.upperBound ? "exactly \(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)") arguments. \(arguments.count) were passed in.")
            }
            return .function(name: name, arguments: arguments, body: function.body)
        }
    }

    /// An operator's arguments: an array is the argument list, any other value a single argument.
    private static func compileArguments(_ name: String, _ argument: BSONValue) throws(CommandError) -> [Expression] {
        if case .array(let elements) = argument {
            var compiled = [Expression]()
            for element in elements { compiled.append(try compileNested(element)) }
            return compiled
        }
        return [try compileNested(argument)]
    }

    private static func compileSwitch(_ argument: BSONValue) throws(CommandError) -> Expression {
        guard case .document(let document) = argument, case .array(let branches)? = document["branches"] else {
            throw .badValue("$switch requires an object with a 'branches' array")
        }
        var compiled = [(Expression, Expression)]()
        for branch in branches {
            guard case .document(let pair) = branch, let condition = pair["case"], let then = pair["then"] else {
                throw .badValue("$switch requires each branch to have 'case' and 'then'")
            }
            compiled.append((try compileNested(condition), try compileNested(then)))
        }
        let fallback: Expression? = if let value = document["default"] { try compileNested(value) } else { nil }
        return .branches(compiled, default: fallback)
    }
}
