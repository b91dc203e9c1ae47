import BSON

/// A compiled sort order (`{at: -1, feed: 1}`), comparing documents as MongoDB sorts them.
///
/// Missing fields sort as null. A field holding an array sorts by its smallest element ascending and
/// by its largest descending; an empty array sorts before null.
struct SortSpecification: Sendable {
    /// One sort field and its direction.
    struct Key: Sendable {
        let path: [String]
        let name: String
        let ascending: Bool
    }

    let keys: [Key]

    /// Parses `{field: 1 | -1, ...}`; `$meta` sorts throw NotImplemented, other values BadValue.
    init(_ specification: Document) throws(CommandError) {
        var keys = [Key]()
        for (name, value) in specification {
            if name == "$natural" { throw .notImplemented("sort by $natural") }
            guard !name.isEmpty, !name.hasPrefix("$") else {
                throw .badValue("FieldPath field names may not start with '$' or be empty: '\(name)'")
            }
            if case .document(let meta) = value, meta.keys.first == "$meta" {
                throw .notImplemented("sort by $meta")
            }
            guard value.isNumber, let direction = value.doubleValue, direction == 1 || direction == -1 else {
                throw CommandError(code: 15975, codeName: "Location15975",
                                   message: "$sort key ordering must be 1 (for ascending) or -1 (for descending), not \(value) for '\(name)'")
            }
            keys.append(Key(path: QueryPath.split(name), name: name, ascending: direction == 1))
        }
        self.keys = keys
    }

    var isEmpty: Bool { keys.isEmpty }

    /// Negative when `a` comes first, zero when the sort does not order them, positive otherwise.
    func compare(_ a: Document, _ b: Document) -> Int {
        for key in keys {
            let order = Self.compareKeys(Self.sortKey(a, key), Self.sortKey(b, key))
            if order != 0 { return key.ascending ? order : -order }
        }
        return 0
    }

    /// Precomputed keys, to sort many documents without resolving paths at every comparison.
    func sortKeys(_ document: Document) -> [BSONValue?] {
        keys.map { Self.sortKey(document, $0) }
    }

    func compare(keys a: [BSONValue?], _ b: [BSONValue?]) -> Int {
        for (index, key) in keys.enumerated() {
            let order = Self.compareKeys(a[index], b[index])
            if order != 0 { return key.ascending ? order : -order }
        }
        return 0
    }

    /// Sorts documents stably.
    func sort(_ documents: [Document]) -> [Document] {
        guard !keys.isEmpty else { return documents }
        let keyed = documents.enumerated().map { (offset: $0.offset, keys: sortKeys($0.element), document: $0.element) }
        return keyed.sorted {
            let order = compare(keys: $0.keys, $1.keys)
            return order != 0 ? order < 0 : $0.offset < $1.offset
        }.map(\.document)
    }

    /// nil stands for an empty array, which sorts before everything else.
    private static func compareKeys(_ a: BSONValue?, _ b: BSONValue?) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?): return BSONOrder.compare(x, y)
        }
    }

    private static func sortKey(_ document: Document, _ key: Key) -> BSONValue? {
        let found = QueryPath.values(in: .document(document), path: key.path[...], expandArrays: false)
        var candidates = [BSONValue]()
        var sawEmptyArray = false
        for value in found {
            switch value {
            case nil: candidates.append(.null)
            case .array(let elements)?:
                if elements.isEmpty { sawEmptyArray = true }
                candidates.append(contentsOf: elements)
            case let value?: candidates.append(value)
            }
        }
        guard var best = candidates.first else { return sawEmptyArray ? nil : .null }
        for candidate in candidates.dropFirst() {
            let order = BSONOrder.compare(candidate, best)
            if key.ascending ? order < 0 : order > 0 { best = candidate }
        }
        return best
    }
}
