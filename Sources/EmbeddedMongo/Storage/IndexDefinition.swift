import BSON

/// A secondary index of a collection: its key pattern, options and the SQLite table that holds its entries.
struct IndexDefinition: Sendable {
    let id: Int64
    let name: String
    let keyPattern: Document
    let fields: [(path: String, descending: Bool)]
    let unique: Bool
    let sparse: Bool
    /// True once some document produced several keys (an array under an indexed path).
    var multikey: Bool
    /// Each field's dotted path, split once.
    let paths: [[String]]

    init(id: Int64, name: String, keyPattern: Document, fields: [(path: String, descending: Bool)], unique: Bool,
         sparse: Bool, multikey: Bool) {
        self.id = id
        self.name = name
        self.keyPattern = keyPattern
        self.fields = fields
        self.unique = unique
        self.sparse = sparse
        self.multikey = multikey
        paths = fields.map { $0.path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    }

    var tableName: String { "x\(id)" }

    /// Validates a key pattern: every value must be 1 or -1 (the store keeps no text, hashed or geo indexes).
    static func parseFields(_ keyPattern: Document) throws -> [(path: String, descending: Bool)] {
        guard !keyPattern.isEmpty else { throw CommandError.badValue("index key pattern must not be empty") }
        var fields = [(path: String, descending: Bool)]()
        for (path, direction) in keyPattern.pairs {
            guard !path.isEmpty, !path.hasPrefix("$") else {
                throw CommandError(code: 67, codeName: "CannotCreateIndex", message: "bad index key field name '\(path)'")
            }
            guard let number = direction.doubleValue, number == 1 || number == -1 else {
                if case .string(let kind) = direction {
                    throw CommandError.notImplemented("the '\(kind)' index type")
                }
                throw CommandError(code: 67, codeName: "CannotCreateIndex",
                                   message: "index key value for '\(path)' must be 1 or -1, not \(direction)")
            }
            fields.append((path, number < 0))
        }
        return fields
    }

    /// The index document listIndexes returns.
    var specification: Document {
        var spec: Document = ["v": .int32(2), "key": .document(keyPattern), "name": .string(name)]
        if unique { spec.append("unique", .bool(true)) }
        if sparse { spec.append("sparse", .bool(true)) }
        return spec
    }

    /// Every key this document contributes (several when an indexed path holds an array), deduplicated;
    /// empty for a sparse index when none of the fields is present.
    func keys(for document: Document) throws -> [[UInt8]] {
        // The common case, no array on any indexed path: one key, built in place.
        var key = [UInt8]()
        key.reserveCapacity(48)
        var anyPresent = false
        for (position, field) in fields.enumerated() {
            var current = BSONValue.document(document)
            var found = true
            for component in paths[position] {
                guard case .document(let inner) = current else {
                    if case .array = current { return try keysWithArrays(for: document) }
                    found = false
                    break
                }
                guard let next = inner[component] else {
                    found = false
                    break
                }
                current = next
            }
            if case .array = current, found { return try keysWithArrays(for: document) }
            anyPresent = anyPresent || found
            IndexKeyEncoder.appendComponent(found ? current : .null, descending: field.descending, to: &key)
        }
        if sparse && !anyPresent { return [] }
        return [key]
    }

    /// The general case: the cartesian product over array elements (at most one array field, as MongoDB allows).
    private func keysWithArrays(for document: Document) throws -> [[UInt8]] {
        var perField = [[BSONValue]]()
        var arrayFields = 0
        var anyPresent = false
        for field in fields {
            var values = [BSONValue]()
            var sawArray = false
            IndexKeyExtraction.collect(.document(document), path: paths[perField.count], index: 0, into: &values, sawArray: &sawArray)
            if values.isEmpty {
                values = [.null]
            } else {
                anyPresent = true
            }
            if sawArray { arrayFields += 1 }
            perField.append(values)
        }
        if sparse && !anyPresent { return [] }
        if arrayFields > 1 {
            throw CommandError(code: 171, codeName: "CannotIndexParallelArrays",
                               message: "cannot index parallel arrays in index \(name)")
        }
        var keys: [[UInt8]] = [[]]
        for (position, values) in perField.enumerated() {
            let descending = fields[position].descending
            var extended = [[UInt8]]()
            extended.reserveCapacity(keys.count * values.count)
            for prefix in keys {
                for value in values {
                    var key = prefix
                    IndexKeyEncoder.appendComponent(value, descending: descending, to: &key)
                    extended.append(key)
                }
            }
            keys = extended
        }
        if keys.count > 1 {
            var seen = Set<[UInt8]>()
            keys = keys.filter { seen.insert($0).inserted }
        }
        return keys
    }

    /// `{field: value}` for the duplicate-key error (missing fields as null).
    func keyValue(for document: Document) -> Document {
        var value = Document()
        for field in fields {
            value.append(field.path, document.value(at: field.path) ?? .null)
        }
        return value
    }
}
