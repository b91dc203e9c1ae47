import BSON

/// A compiled find/`$project` projection: inclusion (with computed fields) or exclusion, dotted paths,
/// and MongoDB's `_id` rule (kept unless excluded by name).
struct Projection: Sendable {
    /// What the projection does with one field.
    indirect enum Node: Sendable {
        case include
        case exclude
        case computed(Expression)
        case nested([(String, Node)])
    }

    /// Inclusion keeps only the named fields; exclusion drops them.
    enum Mode: Sendable { case inclusion, exclusion }

    let mode: Mode
    private let fields: [(String, Node)]

    /// An empty specification projects nothing away (`find` without a projection).
    var isEmpty: Bool { fields.isEmpty }

    /// Parses a projection; mixing inclusion and exclusion throws 31254/31253, operators this store
    /// lacks ($slice, $elemMatch, $meta, "a.$") throw NotImplemented.
    init(_ specification: Document) throws(CommandError) {
        try NestingLimit.check(.document(specification), "the projection")
        var flat = [(path: [String], node: Node)]()
        try Self.flatten(specification, prefix: [], into: &flat)
        var mode: Mode?
        var idNode: Node?
        for (path, node) in flat {
            if path == ["_id"] {
                idNode = node
                // A computed _id still makes the projection an inclusion; a flag says nothing about the mode.
                if case .computed = node {} else { continue }
            }
            switch (node, mode) {
            case (.exclude, .inclusion?):
                throw CommandError(code: 31254, codeName: "Location31254",
                                   message: "Cannot do exclusion on field \(path.joined(separator: ".")) in inclusion projection")
            case (.include, .exclusion?):
                throw CommandError(code: 31253, codeName: "Location31253",
                                   message: "Cannot do inclusion on field \(path.joined(separator: ".")) in exclusion projection")
            case (.computed, .exclusion?):
                throw CommandError(code: 31252, codeName: "Location31252",
                                   message: "Cannot use expression other than $meta in exclusion projection (field \(path.joined(separator: ".")))")
            case (.exclude, nil): mode = .exclusion
            case (.include, nil), (.computed, nil): mode = .inclusion
            default: break
            }
        }
        let resolvedMode = mode ?? (idNode.map { if case .exclude = $0 { return .exclusion } else { return .inclusion } } ?? .exclusion)
        self.mode = resolvedMode
        var tree = [(String, Node)]()
        if resolvedMode == .inclusion, idNode == nil { tree.append(("_id", .include)) }
        for (path, node) in flat {
            if path == ["_id"], resolvedMode == .exclusion, case .include = node { continue }
            try Self.insert(node, at: path[...], into: &tree, fullPath: path)
        }
        fields = tree
    }

    private static func flatten(_ specification: Document, prefix: [String], into flat: inout [(path: [String], node: Node)]) throws(CommandError) {
        for (name, value) in specification {
            guard !name.isEmpty, !name.hasPrefix("$") else {
                throw CommandError(code: 16410, codeName: "Location16410", message: "FieldPath field names may not start with '$'. Got '\(name)'")
            }
            let components = QueryPath.split(name)
            guard !components.contains("") else {
                throw CommandError(code: 15998, codeName: "Location15998", message: "FieldPath field names may not be empty strings: '\(name)'")
            }
            if components.last == "$" { throw .notImplemented("the positional projection '\(name)'") }
            let path = prefix + components
            switch value {
            case .bool(let flag):
                flat.append((path, flag ? .include : .exclude))
            case _ where value.isNumber:
                flat.append((path, (value.doubleValue ?? 1) != 0 ? .include : .exclude))
            case .document(let inner) where inner.keys.first?.hasPrefix("$") == true:
                if let name = inner.keys.first, ["$slice", "$elemMatch", "$meta"].contains(name) {
                    throw .notImplemented("the projection operator \(name)")
                }
                flat.append((path, .computed(try ExpressionEvaluator.compile(value))))
            case .document(let inner):
                guard !inner.isEmpty else {
                    throw CommandError(code: 51270, codeName: "Location51270", message: "An empty sub-projection is not a valid value. Found empty object at path \(path.joined(separator: "."))")
                }
                try flatten(inner, prefix: path, into: &flat)
            default:
                flat.append((path, .computed(try ExpressionEvaluator.compile(value))))
            }
        }
    }

    private static func insert(_ node: Node, at path: ArraySlice<String>, into tree: inout [(String, Node)], fullPath: [String]) throws(CommandError) {
        let key = path.first!
        let index = tree.firstIndex { $0.0 == key }
        if path.count == 1 {
            guard index == nil else {
                throw CommandError(code: 31250, codeName: "Location31250", message: "Path collision at \(fullPath.joined(separator: "."))")
            }
            tree.append((key, node))
            return
        }
        var children = [(String, Node)]()
        if let index {
            guard case .nested(let existing) = tree[index].1 else {
                throw CommandError(code: 31249, codeName: "Location31249",
                                   message: "Path collision at \(fullPath.joined(separator: ".")) remaining portion \(path.dropFirst().joined(separator: "."))")
            }
            children = existing
        }
        try insert(node, at: path.dropFirst(), into: &children, fullPath: fullPath)
        if let index { tree[index].1 = .nested(children) } else { tree.append((key, .nested(children))) }
    }

    /// The projected document; a computed field whose expression fails throws its error.
    func apply(_ document: Document) throws(CommandError) -> Document {
        guard !fields.isEmpty else { return document }
        switch mode {
        case .inclusion:
            let projected = try Self.include(document, fields, root: document)
            guard projected.keys.first != "_id", let id = projected["_id"] else { return projected }
            // A computed _id comes first, as MongoDB always places it.
            var reordered = Document()
            reordered.append("_id", id)
            for (key, value) in projected where key != "_id" { reordered.append(key, value) }
            return reordered
        case .exclusion: return Self.exclude(document, fields)
        }
    }

    private static func include(_ document: Document, _ fields: [(String, Node)], root: Document) throws(CommandError) -> Document {
        var result = Document()
        for (key, value) in document {
            guard let node = fields.first(where: { $0.0 == key })?.1 else { continue }
            switch node {
            case .include:
                result.append(key, value)
            case .nested(let children):
                if let projected = try includeNested(value, children, root: root) { result.append(key, projected) }
            case .exclude, .computed:
                continue
            }
        }
        for (key, node) in fields {
            switch node {
            case .computed(let expression):
                if let value = try expression.evaluate(root) { result[key] = value }
            case .nested(let children) where document[key] == nil && containsComputed(children):
                let created = try include(Document(), children, root: root)
                if !created.isEmpty { result.append(key, .document(created)) }
            default:
                continue
            }
        }
        return result
    }

    private static func includeNested(_ value: BSONValue, _ children: [(String, Node)], root: Document) throws(CommandError) -> BSONValue? {
        switch value {
        case .document(let inner):
            return .document(try include(inner, children, root: root))
        case .array(let elements):
            var projected = [BSONValue]()
            for element in elements {
                if let kept = try includeNested(element, children, root: root) { projected.append(kept) }
            }
            return .array(projected)
        default:
            // A scalar under a dotted inclusion has nothing to include, unless computed fields create it.
            guard containsComputed(children) else { return nil }
            return .document(try include(Document(), children, root: root))
        }
    }

    private static func containsComputed(_ children: [(String, Node)]) -> Bool {
        children.contains {
            switch $0.1 {
            case .computed: return true
            case .nested(let grandchildren): return containsComputed(grandchildren)
            default: return false
            }
        }
    }

    private static func exclude(_ document: Document, _ fields: [(String, Node)]) -> Document {
        var result = Document()
        for (key, value) in document {
            guard let node = fields.first(where: { $0.0 == key })?.1 else {
                result.append(key, value)
                continue
            }
            switch node {
            case .exclude:
                continue
            case .nested(let children):
                result.append(key, excludeNested(value, children))
            default:
                result.append(key, value)
            }
        }
        return result
    }

    private static func excludeNested(_ value: BSONValue, _ children: [(String, Node)]) -> BSONValue {
        switch value {
        case .document(let inner): return .document(exclude(inner, children))
        case .array(let elements): return .array(elements.map { excludeNested($0, children) })
        default: return value
        }
    }
}
