import BSON

/// Resolves a dotted query path against a value the way MongoDB's matcher does: through nested
/// documents, into arrays of documents, and by numeric index into arrays.
enum QueryPath {
    /// The values found at `path` under `root`; `nil` stands for a branch where the field is missing.
    /// With `expandArrays`, an array found at the end of the path contributes itself and each of its
    /// elements (implicit array matching); without it, only the array itself.
    static func values(in root: BSONValue, path: ArraySlice<String>, expandArrays: Bool) -> [BSONValue?] {
        var found = [BSONValue?]()
        collect(root, path, expandArrays, &found)
        return found
    }

    private static func collect(_ value: BSONValue, _ path: ArraySlice<String>, _ expand: Bool, _ found: inout [BSONValue?]) {
        guard let component = path.first else {
            found.append(value)
            if expand, case .array(let elements) = value {
                for element in elements { found.append(element) }
            }
            return
        }
        let rest = path.dropFirst()
        switch value {
        case .document(let document):
            if let next = document[component] {
                collect(next, rest, expand, &found)
            } else {
                found.append(nil)
            }
        case .array(let elements):
            let before = found.count
            let index = arrayIndex(component)
            if let index, index < elements.count { collect(elements[index], rest, expand, &found) }
            for element in elements {
                // With a numeric component, only documents that really have that field name count.
                if case .document(let inner) = element, index == nil || inner.contains(component) {
                    collect(element, path, expand, &found)
                }
            }
            if found.count == before { found.append(nil) }
        default:
            found.append(nil)
        }
    }

    /// True when `predicate` holds for some value `values(in:path:expandArrays:)` would return; stops at
    /// the first and builds no array (the matcher's hot path).
    static func anyValue(in root: BSONValue, path: ArraySlice<String>, expandArrays: Bool,
                         _ predicate: (BSONValue?) -> Bool) -> Bool {
        var produced = false
        return visit(root, path, expandArrays, &produced, predicate)
    }

    private static func visit(_ value: BSONValue, _ path: ArraySlice<String>, _ expand: Bool, _ produced: inout Bool,
                              _ predicate: (BSONValue?) -> Bool) -> Bool {
        produced = true
        guard let component = path.first else {
            if predicate(value) { return true }
            if expand, case .array(let elements) = value {
                for element in elements where predicate(element) { return true }
            }
            return false
        }
        let rest = path.dropFirst()
        switch value {
        case .document(let document):
            guard let next = document[component] else { return predicate(nil) }
            return visit(next, rest, expand, &produced, predicate)
        case .array(let elements):
            var producedInside = false
            let index = arrayIndex(component)
            if let index, index < elements.count, visit(elements[index], rest, expand, &producedInside, predicate) {
                return true
            }
            for element in elements {
                guard case .document(let inner) = element, index == nil || inner.contains(component) else { continue }
                if visit(element, path, expand, &producedInside, predicate) { return true }
            }
            return producedInside ? false : predicate(nil)
        default:
            return predicate(nil)
        }
    }

    /// A path component that can address an array element ("0", "12"; not "-1" nor "01").
    static func arrayIndex(_ component: String) -> Int? {
        guard let first = component.utf8.first, first >= 48, first <= 57 else { return nil }
        if component.utf8.count > 1, first == 48 { return nil }
        return Int(component)
    }

    /// Splits "a.b.c" into its components.
    static func split(_ path: String) -> [String] {
        if !path.utf8.contains(0x2E) { return [path] }
        return path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}
