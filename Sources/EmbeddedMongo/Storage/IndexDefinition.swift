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
        var perField = [[BSONValue]]()
        var arrayFields = 0
        var anyPresent = false
        for field in fields {
            var values = [BSONValue]()
            var sawArray = false
            IndexKeyExtraction.collect(.document(document), path: field.path.split(separator: ".").map(String.init),
                                       index: 0, into: &values, sawArray: &sawArray)
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

/// Collects the values an index sees under a dotted path, descending into arrays as MongoDB does.
enum IndexKeyExtraction {
    static func collect(_ value: BSONValue, path: [String], index: Int, into values: inout [BSONValue],
                        sawArray: inout Bool) {
        if index == path.count {
            if case .array(let elements) = value {
                sawArray = true
                // MongoDB indexes an empty array as undefined, which sorts with null.
                values.append(contentsOf: elements.isEmpty ? [.undefined] : elements)
            } else {
                values.append(value)
            }
            return
        }
        switch value {
        case .document(let document):
            if let child = document[path[index]] {
                collect(child, path: path, index: index + 1, into: &values, sawArray: &sawArray)
            }
        case .array(let elements):
            sawArray = true
            if let position = Int(path[index]), elements.indices.contains(position) {
                collect(elements[position], path: path, index: index + 1, into: &values, sawArray: &sawArray)
            }
            for element in elements {
                if case .document = element {
                    collect(element, path: path, index: index, into: &values, sawArray: &sawArray)
                }
            }
        default:
            break
        }
    }
}

/// A collection in the catalog: its namespace, table and indexes.
struct CollectionInfo: Sendable {
    let id: Int64
    let database: String
    let name: String
    var indexes: [IndexDefinition]

    var namespace: String { database + "." + name }
    var tableName: String { "c\(id)" }
}
