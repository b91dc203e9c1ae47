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
            if let index = arrayIndex(component) {
                if index < elements.count { collect(elements[index], rest, expand, &found) }
            }
            for element in elements {
                if case .document = element { collect(element, path, expand, &found) }
            }
            if found.count == before { found.append(nil) }
        default:
            found.append(nil)
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
        path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}
