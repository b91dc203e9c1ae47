import BSON

/// A `$group` accumulator (`{$sum: <expr>}` ...) and its running state.
struct Accumulator: Sendable {
    /// The accumulator operators this store implements.
    enum Kind: String, Sendable, CaseIterable {
        case sum = "$sum", avg = "$avg", min = "$min", max = "$max", first = "$first", last = "$last"
        case push = "$push", addToSet = "$addToSet", count = "$count"
    }

    let field: String
    let kind: Kind
    let argument: Expression

    private static let knownUnsupported: Set<String> = [
        "$stdDevPop", "$stdDevSamp", "$mergeObjects", "$top", "$topN", "$bottom", "$bottomN", "$firstN", "$lastN",
        "$maxN", "$minN", "$accumulator", "$median", "$percentile",
    ]

    /// Parses `field: {$op: <expr>}`.
    init(field: String, specification: BSONValue) throws(CommandError) {
        guard !field.contains(".") else {
            throw CommandError(code: 40235, codeName: "Location40235", message: "The field name '\(field)' cannot contain '.'")
        }
        guard case .document(let document) = specification, document.count == 1, let (name, argument) = document.pairs.first else {
            throw CommandError(code: 40234, codeName: "Location40234", message: "The field '\(field)' must be an accumulator object")
        }
        guard let kind = Kind(rawValue: name) else {
            if Self.knownUnsupported.contains(name) { throw .notImplemented("the $group accumulator \(name)") }
            throw CommandError(code: 15952, codeName: "Location15952", message: "unknown group operator '\(name)'")
        }
        if kind == .count {
            guard case .document(let empty) = argument, empty.isEmpty else {
                throw CommandError(code: 40237, codeName: "Location40237", message: "$count takes an empty object: {$count: {}}")
            }
            self.argument = .literal(.int32(1))
            self.kind = .sum
        } else {
            if case .array = argument { throw CommandError(code: 40237, codeName: "Location40237", message: "The \(name) accumulator is a unary operator") }
            self.argument = try ExpressionEvaluator.compile(argument)
            self.kind = kind
        }
        self.field = field
    }

    /// The running value of one accumulator within one group.
    struct State: Sendable {
        var value: BSONValue?
        var values: [BSONValue] = []
        var count = 0
        var total: Double = 0
        var seen = false
    }

    func accumulate(_ state: inout State, _ document: Document) throws(CommandError) {
        let value = try argument.evaluate(document)
        switch kind {
        case .sum:
            guard let value, value.isNumber else {
                if state.value == nil { state.value = .int32(0) }
                return
            }
            state.value = try NumericArithmetic.apply(.add, state.value ?? .int32(0), value, context: "$sum")
        case .avg:
            guard let value, value.isNumber, let number = value.doubleValue else { return }
            state.total += number
            state.count += 1
        case .min, .max:
            guard let value, value != .null, value != .undefined else { return }
            guard let current = state.value else { state.value = value; return }
            let order = BSONOrder.compare(value, current)
            if kind == .min ? order < 0 : order > 0 { state.value = value }
        case .first:
            if !state.seen { state.value = value ?? .null; state.seen = true }
        case .last:
            state.value = value ?? .null
        case .push:
            if let value { state.values.append(value) }
        case .addToSet:
            guard let value else { return }
            if !state.values.contains(where: { BSONOrder.bracket($0) == BSONOrder.bracket(value) && BSONOrder.compare($0, value) == 0 }) {
                state.values.append(value)
            }
        case .count:
            state.count += 1
        }
    }

    func result(_ state: State) -> BSONValue {
        switch kind {
        case .sum: return state.value ?? .int32(0)
        case .avg: return state.count == 0 ? .null : .double(state.total / Double(state.count))
        case .min, .max, .first, .last: return state.value ?? .null
        case .push, .addToSet: return .array(state.values)
        case .count: return .int32(Int32(clamping: state.count))
        }
    }
}
