import BSON

/// A compiled aggregation expression; `evaluate` returns nil for "missing" (a field that is not there),
/// which MongoDB distinguishes from null (e.g. `$project` leaves a missing result out).
indirect enum Expression: Sendable {
    case literal(BSONValue)
    /// "$a.b": a path from the current document.
    case fieldPath([String])
    /// "$$ROOT", "$$CURRENT", "$$NOW", "$$REMOVE" or a `$let`/`$map`/`$filter`/`$reduce` variable, with an
    /// optional path after it.
    case variable(String, [String])
    /// `{a: <expr>, b: <expr>}`.
    case object([(String, Expression)])
    case array([Expression])
    /// An operator whose arguments are all evaluated first.
    case function(name: String, arguments: [Expression], body: ExpressionFunction)
    /// `$cond`: only the chosen branch is evaluated.
    case conditional(Expression, then: Expression, else: Expression)
    /// `$and`/`$or`: evaluated left to right, stopping at the first decisive operand.
    case logical(isAnd: Bool, [Expression])
    /// `$ifNull`: the first operand that is neither null nor missing, else the last one.
    case ifNull([Expression])
    /// `$switch`.
    case branches([(Expression, Expression)], default: Expression?)
    /// `$let`, `$map`, `$filter`, `$reduce`: expressions that bind variables.
    case binding(VariableBinding)

    /// Evaluates against `document` (`$$ROOT` and `$$CURRENT`).
    func evaluate(_ document: Document) throws(CommandError) -> BSONValue? {
        try evaluate(document, [:])
    }

    /// Evaluates with user variables in scope.
    func evaluate(_ document: Document, _ scope: [String: BSONValue]) throws(CommandError) -> BSONValue? {
        switch self {
        case .literal(let value):
            return value
        case .fieldPath(let path):
            return Self.resolve(.document(document), path[...])
        case .variable(let name, let path):
            let base: BSONValue
            switch name {
            case "ROOT", "CURRENT": base = .document(document)
            case "NOW": base = .datetime(ExpressionEvaluator.currentMilliseconds())
            case "REMOVE": return nil
            default:
                guard let bound = scope[name] else {
                    throw CommandError(code: 17276, codeName: "Location17276", message: "Use of undefined variable: \(name)")
                }
                base = bound
            }
            return Self.resolve(base, path[...])
        case .object(let fields):
            var result = Document()
            for (name, expression) in fields {
                if let value = try expression.evaluate(document, scope) { result.append(name, value) }
            }
            return .document(result)
        case .array(let elements):
            var values = [BSONValue]()
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(document, scope) ?? .null) }
            return .array(values)
        case .function(_, let arguments, let body):
            var values = [BSONValue?]()
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try argument.evaluate(document, scope)) }
            return try body.call(values)
        case .conditional(let condition, let then, let otherwise):
            return ExpressionEvaluator.isTrue(try condition.evaluate(document, scope))
                ? try then.evaluate(document, scope) : try otherwise.evaluate(document, scope)
        case .logical(let isAnd, let operands):
            for operand in operands {
                let truth = ExpressionEvaluator.isTrue(try operand.evaluate(document, scope))
                if truth != isAnd { return .bool(truth) }
            }
            return .bool(isAnd)
        case .ifNull(let operands):
            for operand in operands.dropLast() {
                let value = try operand.evaluate(document, scope)
                if let value, value != .null, value != .undefined { return value }
            }
            return try operands.last?.evaluate(document, scope) ?? .null
        case .branches(let cases, let fallback):
            for (condition, result) in cases where ExpressionEvaluator.isTrue(try condition.evaluate(document, scope)) {
                return try result.evaluate(document, scope)
            }
            guard let fallback else {
                throw CommandError(code: 40066, codeName: "Location40066",
                                   message: "$switch could not find a matching branch for an input, and no default was specified.")
            }
            return try fallback.evaluate(document, scope)
        case .binding(let binding):
            return try binding.evaluate(document, scope)
        }
    }

    /// Aggregation path semantics: through documents, and over arrays (collecting each element's value).
    static func resolve(_ value: BSONValue, _ path: ArraySlice<String>) -> BSONValue? {
        guard let key = path.first else { return value }
        switch value {
        case .document(let document):
            guard let next = document[key] else { return nil }
            return resolve(next, path.dropFirst())
        case .array(let elements):
            var collected = [BSONValue]()
            for element in elements {
                switch element {
                case .document, .array:
                    if let found = resolve(element, path) { collected.append(found) }
                default:
                    continue
                }
            }
            return .array(collected)
        default:
            return nil
        }
    }
}

/// The implementation of one expression operator over its evaluated arguments.
struct ExpressionFunction: Sendable {
    let call: @Sendable ([BSONValue?]) throws(CommandError) -> BSONValue?
}
