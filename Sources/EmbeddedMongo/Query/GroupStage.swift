import BSON

/// `$group`: documents with equal `_id` values (numbers by value) folded by accumulators; groups come
/// out in the order their first document arrived.
struct GroupStage: Sendable {
    let key: Expression
    let accumulators: [Accumulator]

    init(_ specification: Document) throws(CommandError) {
        guard let idSpecification = specification["_id"] else {
            throw CommandError(code: 15955, codeName: "Location15955", message: "a group specification must include an _id")
        }
        key = try ExpressionEvaluator.compile(idSpecification)
        var accumulators = [Accumulator]()
        for (field, value) in specification where field != "_id" {
            accumulators.append(try Accumulator(field: field, specification: value))
        }
        self.accumulators = accumulators
    }

    init(key: Expression, accumulators: [Accumulator]) {
        self.key = key
        self.accumulators = accumulators
    }

    func run(_ input: [Document]) throws(CommandError) -> [Document] {
        try run(input) { document throws(CommandError) in try key.evaluate(document) ?? .null }
    }

    /// Groups by `keyOf`, shared with `$bucket`.
    func run(_ input: [Document], keyOf: (Document) throws(CommandError) -> BSONValue) throws(CommandError) -> [Document] {
        var index = [BSONValue: Int]()
        var keys = [BSONValue]()
        var states = [[Accumulator.State]]()
        for document in input {
            let key = try keyOf(document)
            let normalized = Self.normalize(key)
            let slot: Int
            if let existing = index[normalized] {
                slot = existing
            } else {
                slot = keys.count
                index[normalized] = slot
                keys.append(key)
                states.append(Array(repeating: Accumulator.State(), count: accumulators.count))
            }
            for (position, accumulator) in accumulators.enumerated() {
                try accumulator.accumulate(&states[slot][position], document)
            }
        }
        return keys.indices.map { slot in
            var output = Document()
            output.append("_id", keys[slot])
            for (position, accumulator) in accumulators.enumerated() {
                output.append(accumulator.field, accumulator.result(states[slot][position]))
            }
            return output
        }
    }

    /// A hashable form in which values MongoDB considers equal are identical (1, 1.0 and 1L).
    static func normalize(_ value: BSONValue) -> BSONValue {
        switch value {
        case .int32(let number): return .int64(Int64(number))
        case .double(let number):
            if let integer = Int64(exactly: number) { return .int64(integer) }
            // NaN never equals itself as a dictionary key; one decimal NaN stands for all of them.
            return number.isNaN ? .decimal128(Decimal128("NaN")!) : value
        case .decimal128:
            return normalize(.double(value.doubleValue ?? .nan))
        case .undefined: return .null
        case .array(let elements): return .array(elements.map(normalize))
        case .document(let document): return .document(Document(document.pairs.map { ($0.key, normalize($0.value)) }))
        default: return value
        }
    }
}

/// `$bucket`: documents counted into ranges `[boundaries[i], boundaries[i+1])`, plus an optional default.
struct BucketStage: Sendable {
    let groupBy: Expression
    let boundaries: [BSONValue]
    let defaultBucket: BSONValue?
    let group: GroupStage

    init(_ specification: Document) throws(CommandError) {
        for key in specification.keys where !["groupBy", "boundaries", "default", "output"].contains(key) {
            throw CommandError(code: 40197, codeName: "Location40197", message: "Unrecognized option to $bucket: \(key).")
        }
        guard let groupBySpecification = specification["groupBy"], case .array(let boundaries)? = specification["boundaries"] else {
            throw CommandError(code: 40198, codeName: "Location40198", message: "$bucket requires 'groupBy' and 'boundaries' to be specified.")
        }
        switch groupBySpecification {
        case .string(let path) where path.hasPrefix("$"): break
        case .document: break
        default:
            throw CommandError(code: 40202, codeName: "Location40202", message: "The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression object")
        }
        guard boundaries.count >= 2 else {
            throw CommandError(code: 40192, codeName: "Location40192", message: "The $bucket 'boundaries' field must have at least 2 values")
        }
        for (lower, upper) in zip(boundaries, boundaries.dropFirst()) {
            guard BSONOrder.bracket(lower) == BSONOrder.bracket(upper) else {
                throw CommandError(code: 40193, codeName: "Location40193", message: "All values in the 'boundaries' option to $bucket must have the same type.")
            }
            guard BSONOrder.compare(lower, upper) < 0 else {
                throw CommandError(code: 40194, codeName: "Location40194", message: "The 'boundaries' option to $bucket must be sorted in ascending order")
            }
        }
        if let fallback = specification["default"],
           BSONOrder.bracket(fallback) == BSONOrder.bracket(boundaries[0]),
           BSONOrder.compare(fallback, boundaries[0]) >= 0, BSONOrder.compare(fallback, boundaries[boundaries.count - 1]) < 0 {
            throw CommandError(code: 40199, codeName: "Location40199", message: "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.")
        }
        var accumulators = [Accumulator]()
        if let output = specification["output"] {
            guard case .document(let fields) = output else {
                throw CommandError(code: 40196, codeName: "Location40196", message: "The $bucket 'output' field must be an object")
            }
            for (field, value) in fields { accumulators.append(try Accumulator(field: field, specification: value)) }
        } else {
            accumulators.append(try Accumulator(field: "count", specification: ["$sum": 1]))
        }
        groupBy = try ExpressionEvaluator.compile(groupBySpecification)
        self.boundaries = boundaries
        defaultBucket = specification["default"]
        group = GroupStage(key: .literal(.null), accumulators: accumulators)
    }

    func run(_ input: [Document]) throws(CommandError) -> [Document] {
        let buckets = try group.run(input) { document throws(CommandError) in
            let value = try groupBy.evaluate(document) ?? .null
            if BSONOrder.bracket(value) == BSONOrder.bracket(boundaries[0]) {
                var low = 0, high = boundaries.count - 1
                if BSONOrder.compare(value, boundaries[low]) >= 0, BSONOrder.compare(value, boundaries[high]) < 0 {
                    while high - low > 1 {
                        let middle = (low + high) / 2
                        if BSONOrder.compare(value, boundaries[middle]) >= 0 { low = middle } else { high = middle }
                    }
                    return boundaries[low]
                }
            }
            guard let defaultBucket else {
                throw CommandError(code: 40066, codeName: "Location40066",
                                   message: "$switch could not find a matching branch for an input, and no default was specified.")
            }
            return defaultBucket
        }
        // MongoDB runs $bucket as $group then $sort on _id, which places the default bucket by its value.
        return buckets.sorted { BSONOrder.compare($0["_id"] ?? .null, $1["_id"] ?? .null) < 0 }
    }
}
