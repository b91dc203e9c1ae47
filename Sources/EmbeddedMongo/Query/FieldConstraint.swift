import BSON

/// What a filter's top-level conjunction requires of one dotted field, for an index planner.
///
/// The constraint is necessary, not sufficient: a planner narrows the candidate documents with it and
/// still runs the `Matcher` on each one. Bounds are within one type bracket (MongoDB's `$gt: 5` never
/// matches a string), so a range on numbers covers only numbers.
struct FieldConstraint: Sendable, Equatable {
    /// One end of a range.
    struct Bound: Sendable, Equatable {
        var value: BSONValue
        var inclusive: Bool
    }

    /// The field equals one of these values (`$eq`, implicit equality, `$in`); sorted, without duplicates.
    /// A null here also stands for documents that lack the field, as `{field: null}` matches them.
    var equalities: [BSONValue]?
    var lower: Bound?
    var upper: Bound?

    /// True when only equality is known (an index can seek each value).
    var isEquality: Bool { equalities != nil }
}

extension Matcher {
    /// The equality and range constraints per dotted field of the filter's top-level conjunction
    /// (top-level fields and `$and` clauses). Fields under `$or`, `$nor`, `$not`, or tested with
    /// anything other than scalar equality, `$in` of scalars and `$gt/$gte/$lt/$lte` are left out.
    static func fieldConstraints(_ filter: Document) -> [String: FieldConstraint] {
        var constraints = [String: FieldConstraint]()
        collectConstraints(filter, into: &constraints)
        return constraints
    }

    private static func collectConstraints(_ filter: Document, into constraints: inout [String: FieldConstraint]) {
        for (key, value) in filter {
            if key == "$and", case .array(let clauses) = value {
                for case .document(let clause) in clauses { collectConstraints(clause, into: &constraints) }
                continue
            }
            if key.hasPrefix("$") { continue }
            switch value {
            case .document(let operators) where operators.keys.first?.hasPrefix("$") == true:
                for (name, argument) in operators {
                    switch name {
                    case "$eq" where isIndexableScalar(argument):
                        restrict(&constraints[key, default: FieldConstraint()], toAnyOf: [argument])
                    case "$in":
                        guard case .array(let elements) = argument, elements.allSatisfy(isIndexableScalar) else { continue }
                        restrict(&constraints[key, default: FieldConstraint()], toAnyOf: elements)
                    case "$gt", "$gte":
                        guard isIndexableScalar(argument), argument != .null else { continue }
                        tightenLower(&constraints[key, default: FieldConstraint()], .init(value: argument, inclusive: name == "$gte"))
                    case "$lt", "$lte":
                        guard isIndexableScalar(argument), argument != .null else { continue }
                        tightenUpper(&constraints[key, default: FieldConstraint()], .init(value: argument, inclusive: name == "$lte"))
                    default:
                        continue
                    }
                }
            default:
                if isIndexableScalar(value) {
                    restrict(&constraints[key, default: FieldConstraint()], toAnyOf: [value])
                }
            }
        }
        // A field whose equalities and range leave nothing keeps its empty equality list: nothing matches.
        for (key, constraint) in constraints {
            guard let values = constraint.equalities, constraint.lower != nil || constraint.upper != nil else { continue }
            constraints[key]?.equalities = values.filter { within(constraint, $0) }
        }
    }

    /// Arrays, documents and regexes have matching rules (element matching, whole-document
    /// equality, patterns) that an index on scalars cannot answer alone.
    private static func isIndexableScalar(_ value: BSONValue) -> Bool {
        switch value {
        case .array, .document, .regex, .minKey, .maxKey, .undefined: return false
        default: return true
        }
    }

    private static func restrict(_ constraint: inout FieldConstraint, toAnyOf values: [BSONValue]) {
        var sorted = values.sorted { BSONOrder.compare($0, $1) < 0 }
        sorted = sorted.enumerated().filter { $0.offset == 0 || BSONOrder.compare(sorted[$0.offset - 1], $0.element) != 0 }.map(\.element)
        if let existing = constraint.equalities {
            sorted = sorted.filter { candidate in existing.contains { FieldTest.equals(candidate, $0) } }
        }
        constraint.equalities = sorted
    }

    private static func tightenLower(_ constraint: inout FieldConstraint, _ bound: FieldConstraint.Bound) {
        guard let current = constraint.lower, BSONOrder.bracket(current.value) == BSONOrder.bracket(bound.value) else {
            if constraint.lower == nil { constraint.lower = bound }
            return
        }
        let order = BSONOrder.compare(bound.value, current.value)
        if order > 0 || (order == 0 && !bound.inclusive) { constraint.lower = bound }
    }

    private static func tightenUpper(_ constraint: inout FieldConstraint, _ bound: FieldConstraint.Bound) {
        guard let current = constraint.upper, BSONOrder.bracket(current.value) == BSONOrder.bracket(bound.value) else {
            if constraint.upper == nil { constraint.upper = bound }
            return
        }
        let order = BSONOrder.compare(bound.value, current.value)
        if order < 0 || (order == 0 && !bound.inclusive) { constraint.upper = bound }
    }

    private static func within(_ constraint: FieldConstraint, _ value: BSONValue) -> Bool {
        if let lower = constraint.lower {
            guard BSONOrder.bracket(lower.value) == BSONOrder.bracket(value) else { return false }
            let order = BSONOrder.compare(value, lower.value)
            if order < 0 || (order == 0 && !lower.inclusive) { return false }
        }
        if let upper = constraint.upper {
            guard BSONOrder.bracket(upper.value) == BSONOrder.bracket(value) else { return false }
            let order = BSONOrder.compare(value, upper.value)
            if order > 0 || (order == 0 && !upper.inclusive) { return false }
        }
        return true
    }
}
