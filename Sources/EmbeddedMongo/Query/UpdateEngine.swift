import BSON

/// A compiled update: either a replacement document or a list of operator actions
/// ($set $unset $inc $mul $min $max $setOnInsert $push $addToSet $pull $pullAll $pop $rename $currentDate).
struct UpdateEngine: Sendable {
    /// One operator applied at one path.
    struct Action: Sendable {
        let operatorName: String
        let path: [String]
        let pathText: String
        let argument: BSONValue
        /// `$rename`'s destination.
        let target: [String]?
        /// `$pull`'s compiled condition.
        let pullCondition: PullCondition?
    }

    /// A replacement document, or operator actions in application order.
    enum Kind: Sendable {
        case replacement(Document)
        case operators([Action])
    }

    let kind: Kind

    private static let supported: Set<String> = [
        "$set", "$unset", "$inc", "$mul", "$min", "$max", "$setOnInsert", "$push", "$addToSet", "$pull", "$pullAll",
        "$pop", "$rename", "$currentDate",
    ]

    /// Parses an update given as the `u` value of an update command: a document, or a pipeline
    /// (an array), which this store does not support.
    init(update: BSONValue) throws(CommandError) {
        switch update {
        case .document(let document): try self.init(document)
        case .array: throw .notImplemented("pipeline-style updates (an update given as an array of stages)")
        default: throw .failedToParse("Update argument must be either an object or an array, not \(update.typeName)")
        }
    }

    /// Parses an update document; conflicting paths throw code 40, unknown modifiers FailedToParse.
    init(_ update: Document) throws(CommandError) {
        try NestingLimit.check(.document(update), "the update")
        let pairs = update.pairs
        guard let first = pairs.first, first.key.hasPrefix("$") else {
            for (key, _) in pairs where key.hasPrefix("$") {
                throw CommandError(code: 52, codeName: "DollarPrefixedFieldName",
                                   message: "The dollar ($) prefixed field '\(key)' in '\(key)' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.")
            }
            kind = .replacement(update)
            return
        }
        var actions = [Action]()
        for (name, argument) in pairs {
            guard name.hasPrefix("$") else {
                throw .failedToParse("Unknown modifier: \(name). Expected a valid update modifier or pipeline-style update specified as an array")
            }
            guard Self.supported.contains(name) else {
                if name == "$bit" { throw .notImplemented("update operator $bit") }
                throw .failedToParse("Unknown modifier: \(name). Expected a valid update modifier or pipeline-style update specified as an array")
            }
            guard case .document(let fields) = argument else {
                throw .failedToParse("Modifiers operate on fields but we found type \(argument.typeName) instead. For example: {$mod: {<field>: ...}} not {\(name): \(argument)}")
            }
            for (pathText, value) in fields {
                actions.append(try Self.action(name, pathText, value))
            }
        }
        try Self.checkConflicts(actions)
        // Sorting positions rather than the actions themselves moves no action (and retains nothing) per swap.
        let order = actions.indices.sorted { Self.precedes(actions[$0].path, actions[$1].path) }
        kind = .operators(order.map { actions[$0] })
    }

    private static func action(_ name: String, _ pathText: String, _ value: BSONValue) throws(CommandError) -> Action {
        let path = try DocumentPath.components(pathText)
        var target: [String]?
        var pull: PullCondition?
        switch name {
        case "$inc", "$mul":
            guard value.isNumber else {
                throw .typeMismatch("Cannot \(name == "$inc" ? "increment" : "multiply") with non-numeric argument: {\(pathText): \(value)}")
            }
        case "$rename":
            guard case .string(let destination) = value else {
                throw .badValue("The 'to' field for $rename must be a string: \(pathText): \(value)")
            }
            guard destination != pathText else {
                throw .badValue("The source and target field for $rename must differ: \(pathText): \"\(destination)\"")
            }
            target = try DocumentPath.components(destination)
        case "$pull":
            pull = try PullCondition(value)
        case "$pullAll":
            guard case .array = value else { throw .badValue("$pullAll requires an array argument but was given a \(value.typeName)") }
        case "$pop":
            guard value.isNumber, let direction = value.doubleValue, direction == 1 || direction == -1 else {
                throw .failedToParse("$pop expects 1 or -1, found: \(value)")
            }
        case "$currentDate":
            try UpdateOperators.validateCurrentDate(value, path: pathText)
        case "$push", "$addToSet":
            try UpdateOperators.validateEach(name, value)
        default:
            break
        }
        return Action(operatorName: name, path: path, pathText: pathText, argument: value, target: target, pullCondition: pull)
    }

    /// Two paths conflict when one equals or is a prefix of the other ("a" and "a.b").
    private static func checkConflicts(_ actions: [Action]) throws(CommandError) {
        // Plain top-level names (the usual update) conflict only by repeating: distinct names need no pairwise
        // prefix comparison. Anything else, or a repeat, takes the full check that words the error.
        if actions.allSatisfy({ $0.path.count == 1 && $0.target == nil }), !hasRepeatedName(actions) { return }
        var paths = [([String], String)]()
        for action in actions {
            paths.append((action.path, action.pathText))
            if let target = action.target { paths.append((target, target.joined(separator: "."))) }
        }
        for i in paths.indices {
            for j in paths.indices where j > i {
                let (a, textA) = paths[i], (b, textB) = paths[j]
                let shorter = min(a.count, b.count)
                guard a[..<shorter].elementsEqual(b[..<shorter]) else { continue }
                let (later, earlier) = (textB, a.count <= b.count ? textA : textB)
                throw CommandError(code: 40, codeName: "ConflictingUpdateOperators",
                                   message: "Updating the path '\(later)' would create a conflict at '\(earlier)'")
            }
        }
    }

    /// Whether two single-component actions name the same field (a handful of short names: comparing pairs
    /// costs less than hashing them).
    private static func hasRepeatedName(_ actions: [Action]) -> Bool {
        for i in actions.indices {
            for j in actions.indices where j > i && actions[i].path[0] == actions[j].path[0] { return true }
        }
        return false
    }

    /// MongoDB 5.0+ applies updates in field-name order, numeric components numerically.
    private static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            if let i = QueryPath.arrayIndex(x), let j = QueryPath.arrayIndex(y) { return i < j }
            return BSONOrder.compareBytes(x, y) < 0
        }
        return a.count < b.count
    }

    /// Parses and applies `update` to `document`. `isInsert` is true for the document an upsert creates
    /// (then `$setOnInsert` applies).
    static func apply(_ update: Document, to document: Document, isInsert: Bool) throws(CommandError) -> UpdateResult {
        try UpdateEngine(update).apply(to: document, isInsert: isInsert)
    }

    /// Applies this update; `_id` must not change (code 66).
    func apply(to document: Document, isInsert: Bool,
               now: Int64 = ExpressionEvaluator.currentMilliseconds()) throws(CommandError) -> UpdateResult {
        switch kind {
        case .replacement(let replacement):
            return try Self.replace(document, with: replacement)
        case .operators(let actions):
            var updated = document
            for action in actions where action.operatorName != "$setOnInsert" || isInsert {
                updated = try UpdateOperators.apply(action, to: updated, original: document, now: now)
            }
            if updated["_id"] != document["_id"], document["_id"] != nil {
                throw .immutableField("Performing an update on the path '_id' would modify the immutable field '_id'")
            }
            let changed = updated != document
            // Only a change to a stored document is logged with its description: skip the work otherwise.
            let description = changed && !isInsert
                ? Self.describe(actions: actions, before: document, after: updated, isInsert: isInsert)
                : UpdateDescription(updatedFields: Document(), removedFields: [])
            return UpdateResult(document: updated, changed: changed, isReplacement: false, updateDescription: description)
        }
    }

    private static func replace(_ document: Document, with replacement: Document) throws(CommandError) -> UpdateResult {
        var result = Document()
        let originalId = document["_id"]
        if let newId = replacement["_id"], let originalId, !BSONOrder.equal(newId, originalId) || newId.typeNumber != originalId.typeNumber {
            var shown = Document()
            shown.append("_id", newId)
            throw .immutableField("After applying the update, the (immutable) field '_id' was found to have been altered to \(shown)")
        }
        if let id = originalId ?? replacement["_id"] { result.append("_id", id) }
        for (key, value) in replacement where key != "_id" { result.append(key, value) }
        var updated = Document()
        var removed = [String]()
        for (key, value) in result where document[key] != value { updated.append(key, value) }
        for key in document.keys where result[key] == nil { removed.append(key) }
        return UpdateResult(document: result, changed: result != document, isReplacement: true,
                            updateDescription: UpdateDescription(updatedFields: updated, removedFields: removed))
    }

    private static func describe(actions: [Action], before: Document, after: Document, isInsert: Bool) -> UpdateDescription {
        var updated = Document()
        var removed = [String]()
        var paths = [[String]]()
        for action in actions where action.operatorName != "$setOnInsert" || isInsert {
            paths.append(action.path)
            if let target = action.target { paths.append(target) }
        }
        for path in paths {
            let newValue = DocumentPath.value(in: after, path)
            let oldValue = DocumentPath.value(in: before, path)
            guard let newValue else {
                if oldValue != nil { removed.append(path.joined(separator: ".")) }
                continue
            }
            guard oldValue != newValue else { continue }
            var reported = path
            for length in 1...path.count where DocumentPath.value(in: before, Array(path.prefix(length))) == nil {
                reported = Array(path.prefix(length))
                break
            }
            let key = reported.joined(separator: ".")
            if updated[key] == nil { updated.append(key, DocumentPath.value(in: after, reported) ?? newValue) }
        }
        return UpdateDescription(updatedFields: updated, removedFields: removed)
    }

    /// The document an upsert starts from: the filter's equality conditions (top level and `$and`),
    /// with dotted paths expanded into nested documents.
    static func upsertSeed(filter: Document) -> Document {
        var seed = Document()
        collectEqualities(filter, into: &seed)
        return seed
    }

    private static func collectEqualities(_ filter: Document, into seed: inout Document) {
        for (key, value) in filter {
            if key == "$and", case .array(let clauses) = value {
                for case .document(let clause) in clauses { collectEqualities(clause, into: &seed) }
                continue
            }
            guard !key.hasPrefix("$") else { continue }
            var equal: BSONValue?
            switch value {
            case .regex:
                equal = nil
            case .document(let operators) where operators.keys.first?.hasPrefix("$") == true:
                if let wanted = operators["$eq"] {
                    equal = wanted
                } else if case .array(let choices)? = operators["$in"], choices.count == 1, !choices[0].isRegex {
                    equal = choices[0]
                }
            default:
                equal = value
            }
            guard let equal else { continue }
            // A plain top-level name not seeded yet is simply appended (what `modify` would do, without rebuilding).
            if !key.isEmpty, !key.utf8.contains(0x2E), !seed.contains(key) {
                seed.append(key, equal)
                continue
            }
            guard let path = try? DocumentPath.components(key) else { continue }
            if let seeded = try? DocumentPath.modify(seed, path, create: true, { _ in .set(equal) }) { seed = seeded }
        }
    }
}

extension BSONValue {
    var isRegex: Bool {
        if case .regex = self { return true }
        return false
    }
}
