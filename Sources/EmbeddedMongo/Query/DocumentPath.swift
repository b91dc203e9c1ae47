import BSON

/// Reads and rewrites a document at a dotted path, creating intermediate documents and addressing
/// array elements by index, with MongoDB's update errors.
enum DocumentPath {
    /// What to do with the value found at a path.
    enum Change {
        case keep
        case set(BSONValue)
        case remove
    }

    /// Validated components of an update path ("a.b.0").
    static func components(_ path: String) throws(CommandError) -> [String] {
        guard !path.isEmpty else {
            throw CommandError(code: 56, codeName: "EmptyFieldName", message: "An empty update path is not valid.")
        }
        // The common case, one plain field name ("values"), needs neither splitting nor per-part checks.
        if !path.utf8.contains(where: { $0 == 0x2E || $0 == 0x24 }) { return [path] }
        let parts = QueryPath.split(path)
        for part in parts {
            if part.isEmpty {
                throw CommandError(code: 56, codeName: "EmptyFieldName",
                                   message: "The update path '\(path)' contains an empty field name, which is not allowed.")
            }
            if part == "$" || part.hasPrefix("$[") {
                throw .notImplemented("the positional operator '\(part)' in update path '\(path)'")
            }
            if part.hasPrefix("$") {
                throw CommandError(code: 52, codeName: "DollarPrefixedFieldName",
                                   message: "The dollar ($) prefixed field '\(part)' in '\(path)' is not valid for storage.")
            }
        }
        return parts
    }

    /// Applies `body` to the value at `path` (nil when missing) and returns the rewritten document.
    /// With `create`, missing intermediate documents are created; without, a missing parent leaves the
    /// document unchanged and `body` is not called.
    static func modify(_ document: Document, _ path: [String], create: Bool,
                       _ body: (BSONValue?) throws(CommandError) -> Change) throws(CommandError) -> Document {
        guard case .document(let result) = try modify(.document(document), path[...], create: create, parentName: "", body) else {
            return document
        }
        return result
    }

    /// How far past its end an update may extend an array (MongoDB would exceed its 16 MB document limit).
    static let maximumPadding = 1_000_000

    private static func modify(_ container: BSONValue, _ path: ArraySlice<String>, create: Bool, parentName: String,
                               _ body: (BSONValue?) throws(CommandError) -> Change) throws(CommandError) -> BSONValue {
        let key = path.first!
        let rest = path.dropFirst()
        switch container {
        case .document(var document):
            let existing = document[key]
            if rest.isEmpty {
                switch try body(existing) {
                case .keep: return container
                case .set(let value):
                    // Setting a field to identical bytes leaves the document as it is: skip rebuilding it.
                    if let existing, encodesIdentically(existing, value) { return container }
                    document[key] = value
                case .remove: document[key] = nil
                }
                return .document(document)
            }
            guard let existing else {
                guard create else { return container }
                document[key] = try modify(.document(Document()), rest, create: true, parentName: key, body)
                return .document(document)
            }
            switch existing {
            case .document, .array:
                document[key] = try modify(existing, rest, create: create, parentName: key, body)
                return .document(document)
            default:
                guard create else { return container }
                throw pathNotViable(rest.first!, parentName: key, parent: existing)
            }
        case .array(var elements):
            guard let index = QueryPath.arrayIndex(key) else {
                guard create else { return container }
                throw pathNotViable(key, parentName: parentName, parent: container)
            }
            let existing: BSONValue? = index < elements.count ? elements[index] : nil
            if create, index >= elements.count + maximumPadding {
                throw .badValue("Cannot pad array '\(parentName)' of \(elements.count) elements up to index \(index)")
            }
            if rest.isEmpty {
                switch try body(existing) {
                case .keep:
                    return container
                case .set(let value):
                    while elements.count <= index { elements.append(.null) }
                    elements[index] = value
                case .remove:
                    // MongoDB keeps array positions stable: an unset element becomes null.
                    if index < elements.count { elements[index] = .null }
                }
                return .array(elements)
            }
            guard let existing else {
                guard create else { return container }
                while elements.count <= index { elements.append(.null) }
                elements[index] = try modify(.document(Document()), rest, create: true, parentName: key, body)
                return .array(elements)
            }
            switch existing {
            case .document, .array:
                elements[index] = try modify(existing, rest, create: create, parentName: key, body)
                return .array(elements)
            default:
                guard create else { return container }
                throw pathNotViable(rest.first!, parentName: key, parent: existing)
            }
        default:
            return container
        }
    }

    /// Whether two values have the same BSON encoding (type and bytes), so replacing one with the other changes
    /// nothing. Stricter than `==`: 0.0 and -0.0 differ, and so do canonically equivalent but differently
    /// encoded strings. Types not listed answer false (the caller then writes the value).
    static func encodesIdentically(_ a: BSONValue, _ b: BSONValue) -> Bool {
        switch (a, b) {
        case (.document(let x), .document(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.int32(let x), .int32(let y)): return x == y
        case (.int64(let x), .int64(let y)): return x == y
        case (.datetime(let x), .datetime(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.objectId(let x), .objectId(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    static func pathNotViable(_ field: String, parentName: String, parent: BSONValue) -> CommandError {
        var shown = Document()
        shown.append(parentName, parent)
        return CommandError(code: 28, codeName: "PathNotViable",
                            message: "Cannot create field '\(field)' in element \(shown)")
    }

    /// The value at `path`, following array indexes ("a.0.b"), without implicit array traversal.
    static func value(in document: Document, _ path: [String]) -> BSONValue? {
        var current = BSONValue.document(document)
        for component in path {
            switch current {
            case .document(let inner):
                guard let next = inner[component] else { return nil }
                current = next
            case .array(let elements):
                guard let index = QueryPath.arrayIndex(component), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}
