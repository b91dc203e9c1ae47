import BSON

/// How a query reads a collection: every document, one `_id`, or a key range of one index.
enum ScanPlan {
    case collectionScan
    case idLookup(BSONValue)
    /// Keys in `lower ..< upper` (upper nil: to the end), in index order or reversed.
    case indexRange(IndexDefinition, lower: [UInt8], upper: [UInt8]?, reverse: Bool)

    /// The stage name explain reports.
    var stage: String {
        switch self {
        case .collectionScan: return "COLLSCAN"
        case .idLookup: return "IDHACK"
        case .indexRange: return "IXSCAN"
        }
    }

    var indexName: String? {
        switch self {
        case .collectionScan: return nil
        case .idLookup: return "_id_"
        case .indexRange(let index, _, _, _): return index.name
        }
    }
}

/// Chooses an index for a filter: the longest run of equality fields at the front of an index, then at most
/// one range on the next field. The plan only narrows the candidates; the matcher still decides every
/// document, so a plan must return a superset of the matches.
enum QueryPlanner {
    /// Equality or range bounds on one top-level path, from a conjunction in the filter.
    struct Bounds {
        var equal: BSONValue?
        var lower: (value: BSONValue, inclusive: Bool)?
        var upper: (value: BSONValue, inclusive: Bool)?
    }

    /// The plan for `filter`; with `sort`, also whether the plan yields documents already in that order (then
    /// the caller can stop after skip + limit matches).
    static func plan(filter: Document, sort: [(path: String, descending: Bool)] = [], collection: CollectionInfo)
        -> (plan: ScanPlan, sorted: Bool) {
        var bounds = [String: Bounds]()
        collectBounds(filter, into: &bounds)
        if let id = bounds["_id"]?.equal { return (.idLookup(id), true) }
        var best: (score: Int, plan: ScanPlan, sorted: Bool)?
        for index in [idIndex] + collection.indexes {
            // An index that could not beat the best plan even with every field pinned is not worth encoding keys for.
            if let best, index.fields.count * 4 + 1 <= best.score { continue }
            guard let (score, plan, sorted) = plan(index, bounds: bounds, sort: sort) else { continue }
            let total = score * 2 + (sorted ? 1 : 0)
            if total > (best?.score ?? 0) { best = (total, plan, sorted) }
        }
        if let best { return (best.plan, best.sorted) }
        return (.collectionScan, sort.isEmpty)
    }

    /// The `_id` index, kept as the unique `idkey` column of the collection's table (id 0 marks it).
    static let idIndex = IndexDefinition(id: 0, name: "_id_", keyPattern: ["_id": 1], fields: [("_id", false)],
                                         unique: true, sparse: false, multikey: false)

    private static func plan(_ index: IndexDefinition, bounds: [String: Bounds],
                             sort: [(path: String, descending: Bool)]) -> (Int, ScanPlan, Bool)? {
        var prefix = [UInt8]()
        var equalities = 0
        for field in index.fields {
            guard let equal = bounds[field.path]?.equal else { break }
            IndexKeyEncoder.appendComponent(equal, descending: field.descending, to: &prefix)
            equalities += 1
        }
        let order = sortOrder(index, equalities: equalities, sort: sort)
        let reverse = order ?? false
        if equalities < index.fields.count, let range = bounds[index.fields[equalities].path],
           range.lower != nil || range.upper != nil {
            let descending = index.fields[equalities].descending
            var upper = range.upper
            // On a multikey index, two bounds may be met by different array elements: keep only one.
            if index.multikey, range.lower != nil { upper = nil }
            guard let keys = rangeKeys(prefix: prefix, lower: range.lower, upper: upper, descending: descending) else {
                return nil
            }
            return (equalities * 2 + 1, .indexRange(index, lower: keys.0, upper: keys.1, reverse: reverse), order != nil)
        }
        // A sparse index lacks documents without the fields: it can answer neither null equality nor a full scan.
        if index.sparse { return nil }
        if equalities == 0 {
            // No bounds: worth walking the whole index only to deliver the requested order.
            guard order != nil, !sort.isEmpty else { return nil }
            return (0, .indexRange(index, lower: [], upper: nil, reverse: reverse), true)
        }
        return (equalities * 2, .indexRange(index, lower: prefix, upper: IndexKeyEncoder.successor(ofPrefix: prefix),
                                            reverse: reverse), order != nil)
    }

    /// nil when the index cannot deliver `sort`; else whether it must be read backwards. Sort fields pinned by
    /// equality are ignored; the rest must follow the index fields after the equality prefix.
    private static func sortOrder(_ index: IndexDefinition, equalities: Int,
                                  sort: [(path: String, descending: Bool)]) -> Bool? {
        if sort.isEmpty { return false }
        guard !index.multikey else { return sort.isEmpty ? false : nil }
        let pinned = Set(index.fields.prefix(equalities).map(\.path))
        let remaining = sort.filter { !pinned.contains($0.path) }
        guard remaining.count <= index.fields.count - equalities else { return nil }
        var reverse: Bool?
        for (position, wanted) in remaining.enumerated() {
            let field = index.fields[equalities + position]
            guard field.path == wanted.path else { return nil }
            let flips = field.descending != wanted.descending
            if let reverse, reverse != flips { return nil }
            reverse = flips
        }
        return reverse ?? false
    }

    /// Key bounds for a range on the component after `prefix`, kept within the bound values' type (MongoDB
    /// comparisons never cross types).
    private static func rangeKeys(prefix: [UInt8], lower: (value: BSONValue, inclusive: Bool)?,
                                  upper: (value: BSONValue, inclusive: Bool)?, descending: Bool) -> ([UInt8], [UInt8]?)? {
        let typeClass = IndexKeyEncoder.typeClass(lower?.value ?? upper?.value ?? .null)
        if lower != nil, let upper, IndexKeyEncoder.typeClass(upper.value) != typeClass { return nil }
        func encoded(_ value: BSONValue) -> [UInt8] {
            var key = prefix
            IndexKeyEncoder.appendComponent(value, descending: descending, to: &key)
            return key
        }
        let classStart = prefix + [descending ? ~typeClass : typeClass]
        let classEnd = IndexKeyEncoder.successor(ofPrefix: classStart)
        // In key order, an ascending component runs from lower to upper; a descending one from upper to lower.
        let (first, last) = descending ? (upper, lower) : (lower, upper)
        var low = classStart
        if let first {
            low = first.inclusive ? encoded(first.value) : (IndexKeyEncoder.successor(ofPrefix: encoded(first.value)) ?? encoded(first.value))
        }
        var high = classEnd
        if let last {
            high = last.inclusive ? IndexKeyEncoder.successor(ofPrefix: encoded(last.value)) : encoded(last.value)
        }
        return (low, high)
    }

    static func collectBounds(_ filter: Document, into bounds: inout [String: Bounds]) {
        for (key, value) in filter.pairs {
            if key == "$and", case .array(let clauses) = value {
                for case .document(let clause) in clauses { collectBounds(clause, into: &bounds) }
                continue
            }
            if key.hasPrefix("$") { continue }
            if case .document(let operators) = value, operators.keys.first?.hasPrefix("$") == true {
                for (name, operand) in operators.pairs where isRangeable(operand) {
                    switch name {
                    case "$eq": bounds[key, default: Bounds()].equal = operand
                    case "$gt": bounds[key, default: Bounds()].lower = (operand, false)
                    case "$gte": bounds[key, default: Bounds()].lower = (operand, true)
                    case "$lt": bounds[key, default: Bounds()].upper = (operand, false)
                    case "$lte": bounds[key, default: Bounds()].upper = (operand, true)
                    default: break
                    }
                }
            } else if isRangeable(value) {
                bounds[key, default: Bounds()].equal = value
            }
        }
    }

    /// Scalars whose equality and order an index answers exactly (not null, arrays, documents, regexes).
    private static func isRangeable(_ value: BSONValue) -> Bool {
        switch value {
        case .double(let number): return !number.isNaN
        case .int32, .int64, .string, .objectId, .bool, .datetime, .timestamp: return true
        case .decimal128: return false
        default: return false
        }
    }
}
