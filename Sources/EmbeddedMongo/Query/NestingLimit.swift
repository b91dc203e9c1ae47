import BSON

/// Rejects specifications nested deeper than the compilers' recursion can safely follow.
enum NestingLimit {
    /// MongoDB's own limit for nested objects in queries and expressions.
    static let maximumDepth = 100

    /// Throws BadValue when `value` nests documents or arrays more than `maximumDepth` levels deep.
    static func check(_ value: BSONValue, _ what: String) throws(CommandError) {
        // Each nesting level costs at least 7 encoded bytes (type, empty name, length, terminator) around a
        // 5-byte innermost document: a smaller document cannot be too deep, and needs no decoding to know it.
        if case .document(let document) = value, document.byteCount < 5 + 7 * maximumDepth { return }
        guard depthExceeded(value, remaining: maximumDepth) else { return }
        throw .badValue("\(what) is nested more than \(maximumDepth) levels deep")
    }

    private static func depthExceeded(_ value: BSONValue, remaining: Int) -> Bool {
        switch value {
        case .document(let document):
            guard remaining > 0 else { return true }
            return document.pairs.contains { depthExceeded($0.value, remaining: remaining - 1) }
        case .array(let elements):
            guard remaining > 0 else { return true }
            return elements.contains { depthExceeded($0, remaining: remaining - 1) }
        default:
            return false
        }
    }
}
