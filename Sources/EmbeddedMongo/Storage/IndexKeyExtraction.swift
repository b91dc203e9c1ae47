import BSON

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
