import BSON

/// The effect of each update operator on the value at its path.
enum UpdateOperators {
    static func apply(_ action: UpdateEngine.Action, to document: Document, original: Document,
                      now: Int64) throws(CommandError) -> Document {
        let argument = action.argument
        let path = action.path
        switch action.operatorName {
        case "$set", "$setOnInsert":
            return try DocumentPath.modify(document, path, create: true) { _ in .set(argument) }
        case "$unset":
            return try DocumentPath.modify(document, path, create: false) { existing in existing == nil ? .keep : .remove }
        case "$inc", "$mul":
            let isIncrement = action.operatorName == "$inc"
            return try DocumentPath.modify(document, path, create: true) { existing throws(CommandError) in
                guard let existing else { return .set(isIncrement ? argument : NumericArithmetic.zero(like: argument)) }
                guard let result = try NumericArithmetic.apply(isIncrement ? .add : .multiply, existing, argument,
                                                               context: action.operatorName) else {
                    throw .typeMismatch("Cannot apply \(action.operatorName) to a value of non-numeric type. {_id: \(original["_id"].map { "\($0)" } ?? "null")} has the field '\(path.last!)' of non-numeric type \(existing.typeName)")
                }
                return .set(result)
            }
        case "$min", "$max":
            let wantSmaller = action.operatorName == "$min"
            return try DocumentPath.modify(document, path, create: true) { existing in
                guard let existing else { return .set(argument) }
                let order = BSONOrder.compare(argument, existing)
                return (wantSmaller ? order < 0 : order > 0) ? .set(argument) : .keep
            }
        case "$currentDate":
            let wantsTimestamp = argument.documentValue?["$type"] == .string("timestamp")
            let value: BSONValue = wantsTimestamp
                ? .timestamp(seconds: UInt32(clamping: now / 1000), increment: 1) : .datetime(now)
            return try DocumentPath.modify(document, path, create: true) { _ in .set(value) }
        case "$push":
            return try DocumentPath.modify(document, path, create: true) { existing throws(CommandError) in
                .set(.array(try push(array(existing, action, original), argument)))
            }
        case "$addToSet":
            return try DocumentPath.modify(document, path, create: true) { existing throws(CommandError) in
                var elements = try array(existing, action, original)
                let additions: [BSONValue] = if case .document(let spec) = argument, case .array(let each)? = spec["$each"] { each } else { [argument] }
                for addition in additions where !elements.contains(where: { sameValue($0, addition) }) {
                    elements.append(addition)
                }
                return .set(.array(elements))
            }
        case "$pull", "$pullAll":
            return try DocumentPath.modify(document, path, create: false) { existing throws(CommandError) in
                guard let existing else { return .keep }
                guard case .array(let elements) = existing else {
                    throw .badValue("Cannot apply \(action.operatorName) to a non-array value")
                }
                var kept = [BSONValue]()
                for element in elements {
                    let remove: Bool
                    if let condition = action.pullCondition {
                        remove = try condition.matches(element)
                    } else {
                        remove = argument.arrayValue?.contains { sameValue($0, element) } ?? false
                    }
                    if !remove { kept.append(element) }
                }
                return .set(.array(kept))
            }
        case "$pop":
            return try DocumentPath.modify(document, path, create: false) { existing throws(CommandError) in
                guard let existing else { return .keep }
                guard case .array(var elements) = existing else {
                    throw .typeMismatch("Path '\(action.pathText)' contains an element of non-array type '\(existing.typeName)'")
                }
                if !elements.isEmpty {
                    if argument.doubleValue == 1 { elements.removeLast() } else { elements.removeFirst() }
                }
                return .set(.array(elements))
            }
        case "$rename":
            return try rename(document, action)
        default:
            throw .failedToParse("Unknown modifier: \(action.operatorName)")
        }
    }

    /// Exact value equality for `$addToSet` and `$pullAll` (numbers by value, documents field by field).
    private static func sameValue(_ a: BSONValue, _ b: BSONValue) -> Bool {
        BSONOrder.bracket(a) == BSONOrder.bracket(b) && BSONOrder.compare(a, b) == 0
    }

    private static func array(_ existing: BSONValue?, _ action: UpdateEngine.Action, _ original: Document) throws(CommandError) -> [BSONValue] {
        guard let existing else { return [] }
        guard case .array(let elements) = existing else {
            throw .badValue("The field '\(action.pathText)' must be an array but is of type \(existing.typeName) in document {_id: \(original["_id"].map { "\($0)" } ?? "null")}")
        }
        return elements
    }

    static func validateEach(_ name: String, _ value: BSONValue) throws(CommandError) {
        guard case .document(let spec) = value, let first = spec.keys.first, first.hasPrefix("$") else { return }
        guard case .array? = spec["$each"] else {
            throw .badValue("\(name) with modifiers requires an array $each, found: \(value)")
        }
        let allowed: Set<String> = name == "$push" ? ["$each", "$slice", "$position", "$sort"] : ["$each"]
        for key in spec.keys where !allowed.contains(key) {
            throw .badValue("Unrecognized clause in \(name): \(key)")
        }
        if let slice = spec["$slice"], !(slice.isNumber && slice.int64Value != nil) {
            throw .badValue("The value for $slice must be an integer value but was given type: \(slice.typeName)")
        }
        if let position = spec["$position"], !(position.isNumber && position.int64Value != nil) {
            throw .badValue("The value for $position must be an integer value, not of type: \(position.typeName)")
        }
        if let sort = spec["$sort"] {
            switch sort {
            case .document(let specification): _ = try SortSpecification(specification)
            case _ where sort.doubleValue == 1 || sort.doubleValue == -1: break
            default: throw .badValue("The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields")
            }
        }
    }

    private static func push(_ elements: [BSONValue], _ argument: BSONValue) throws(CommandError) -> [BSONValue] {
        guard case .document(let spec) = argument, case .array(let each)? = spec["$each"] else {
            return elements + [argument]
        }
        var result = elements
        if let position = spec["$position"]?.int64Value {
            let count = Int64(result.count)
            let index = position < 0 ? max(0, count + position) : min(position, count)
            result.insert(contentsOf: each, at: Int(index))
        } else {
            result.append(contentsOf: each)
        }
        if let sort = spec["$sort"] {
            if case .document(let specification) = sort {
                let order = try SortSpecification(specification)
                result = result.enumerated().sorted { a, b in
                    let order = order.compare(a.element.documentValue ?? Document(), b.element.documentValue ?? Document())
                    return order != 0 ? order < 0 : a.offset < b.offset
                }.map(\.element)
            } else {
                let descending = sort.doubleValue == -1
                result = result.enumerated().sorted { a, b in
                    let order = BSONOrder.compare(a.element, b.element)
                    return order != 0 ? (descending ? order > 0 : order < 0) : a.offset < b.offset
                }.map(\.element)
            }
        }
        if let slice = spec["$slice"]?.int64Value {
            let bounded = Int(max(min(slice, Int64(Int32.max)), Int64(Int32.min)))
            result = bounded >= 0 ? Array(result.prefix(bounded)) : Array(result.suffix(-bounded))
        }
        return result
    }

    static func validateCurrentDate(_ value: BSONValue, path: String) throws(CommandError) {
        switch value {
        case .bool: return
        case .document(let spec) where spec.count == 1:
            if spec["$type"] == .string("date") || spec["$type"] == .string("timestamp") { return }
        default: break
        }
        throw .badValue("$currentDate for '\(path)' takes true or {$type: \"date\" | \"timestamp\"}, not \(value)")
    }

    private static func rename(_ document: Document, _ action: UpdateEngine.Action) throws(CommandError) -> Document {
        guard let target = action.target else { return document }
        for path in [action.path, target] {
            var current = BSONValue.document(document)
            for component in path.dropLast() {
                guard case .document(let inner) = current, let next = inner[component] else { break }
                if case .array = next {
                    throw .badValue("The source and target field for $rename cannot be an array element: '\(path.joined(separator: "."))'")
                }
                current = next
            }
        }
        guard let value = DocumentPath.value(in: document, action.path) else { return document }
        let removed = try DocumentPath.modify(document, action.path, create: false) { _ in .remove }
        return try DocumentPath.modify(removed, target, create: true) { _ in .set(value) }
    }
}

/// `$pull`'s condition: a value to remove, a query on each element's fields, or operators on each element.
struct PullCondition: Sendable {
    private enum Test: Sendable {
        case equal(BSONValue)
        case elementOperators(MatchNode)
        case documentQuery(MatchNode)
    }

    private let test: Test

    init(_ argument: BSONValue) throws(CommandError) {
        guard case .document(let document) = argument else {
            test = argument.isRegex ? .elementOperators(try Matcher.compileOperators([], ["$regex": argument])) : .equal(argument)
            return
        }
        if let first = document.keys.first, first.hasPrefix("$"), !["$and", "$or", "$nor"].contains(first) {
            test = .elementOperators(try Matcher.compileOperators([], document))
        } else {
            test = .documentQuery(try Matcher.compile(document))
        }
    }

    func matches(_ element: BSONValue) throws(CommandError) -> Bool {
        switch test {
        case .equal(let value):
            return BSONOrder.bracket(value) == BSONOrder.bracket(element) && BSONOrder.compare(value, element) == 0
        case .elementOperators(let node):
            return try node.evaluate(element)
        case .documentQuery(let node):
            guard case .document = element else { return false }
            return try node.evaluate(element)
        }
    }
}
