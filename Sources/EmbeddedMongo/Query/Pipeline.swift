import BSON

/// A compiled aggregation pipeline over documents already read from storage.
///
/// Runs of one-document-at-a-time stages ($match $project $addFields $unset $replaceRoot $unwind $skip
/// $limit) are fused into one pass that stops reading input once a `$limit` is full; $sort, $group,
/// $count and $bucket gather their whole input. A `$sort` directly followed by `$limit` keeps only
/// the best documents while reading.
struct Pipeline: Sendable {
    let stages: [PipelineStage]

    /// Compiles the stages; unsupported stages throw NotImplemented, unknown ones code 40324.
    init(stages: [BSONValue]) throws(CommandError) {
        var compiled = [PipelineStage]()
        for stage in stages { compiled.append(contentsOf: try PipelineStage.parse(stage)) }
        self.stages = compiled
    }

    /// The leading `$match` filter, for the server to use an index before running the pipeline.
    var leadingFilter: Document? {
        if case .match(let matcher)? = stages.first { return matcher.filter }
        return nil
    }

    func run(_ input: [Document]) throws(CommandError) -> [Document] {
        var current = input
        var position = 0
        while position < stages.count {
            if stages[position].isStreaming {
                var end = position
                while end < stages.count, stages[end].isStreaming { end += 1 }
                current = try stream(current, stages[position..<end])
                position = end
                continue
            }
            switch stages[position] {
            case .sort(let order):
                if position + 1 < stages.count, case .limit(let limit) = stages[position + 1] {
                    current = Self.top(current, limit, order)
                    position += 2
                    continue
                }
                current = order.sort(current)
            case .group(let group):
                current = try group.run(current)
            case .bucket(let bucket):
                current = try bucket.run(current)
            case .count(let field):
                current = current.isEmpty ? [] : [[field: .int32(Int32(clamping: current.count))]]
            default:
                break
            }
            position += 1
        }
        return current
    }

    /// The first `limit` documents in `order`, keeping at most `limit` while reading (stable).
    private static func top(_ input: [Document], _ limit: Int, _ order: SortSpecification) -> [Document] {
        guard input.count > limit * 4 else { return Array(order.sort(input).prefix(limit)) }
        var kept = [(offset: Int, keys: [BSONValue?], document: Document)]()
        func precedes(_ a: (offset: Int, keys: [BSONValue?], document: Document), _ b: (offset: Int, keys: [BSONValue?], document: Document)) -> Bool {
            let result = order.compare(keys: a.keys, b.keys)
            return result != 0 ? result < 0 : a.offset < b.offset
        }
        for (offset, document) in input.enumerated() {
            let entry = (offset: offset, keys: order.sortKeys(document), document: document)
            if kept.count == limit, let last = kept.last, !precedes(entry, last) { continue }
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(kept[middle], entry) { low = middle + 1 } else { high = middle }
            }
            kept.insert(entry, at: low)
            if kept.count > limit { kept.removeLast() }
        }
        return kept.map(\.document)
    }

    private func stream(_ input: [Document], _ run: ArraySlice<PipelineStage>) throws(CommandError) -> [Document] {
        let stages = Array(run)
        var counters = [Int](repeating: 0, count: stages.count)
        var output = [Document]()
        var finished = false

        func push(_ document: Document, _ index: Int) throws(CommandError) {
            guard index < stages.count else { output.append(document); return }
            switch stages[index] {
            case .match(let matcher):
                if try matcher.check(document) { try push(document, index + 1) }
            case .project(let projection):
                try push(try projection.apply(document), index + 1)
            case .addFields(let fields):
                try push(try Self.addFields(document, fields), index + 1)
            case .replaceRoot(let expression):
                guard case .document(let root)? = try expression.evaluate(document) else {
                    throw CommandError(code: 40228, codeName: "Location40228",
                                       message: "'newRoot' expression must evaluate to an object, but resulting value was: \(try expression.evaluate(document).map { "\($0)" } ?? "MISSING")")
                }
                try push(root, index + 1)
            case .skip(let count):
                if counters[index] < count { counters[index] += 1 } else { try push(document, index + 1) }
            case .limit(let count):
                guard counters[index] < count else { finished = true; return }
                counters[index] += 1
                try push(document, index + 1)
                if counters[index] == count { finished = true }
            case .unwind(let path, let preserve, let indexField):
                for unwound in Self.unwind(document, path, preserve, indexField) { try push(unwound, index + 1) }
            default:
                break
            }
        }

        for document in input {
            try push(document, 0)
            if finished { break }
        }
        return output
    }

    /// Evaluates every expression against the input document, then sets the fields; a missing result
    /// (e.g. `$$REMOVE`) removes the field.
    static func addFields(_ document: Document, _ fields: [([String], Expression)]) throws(CommandError) -> Document {
        var values = [BSONValue?]()
        for (_, expression) in fields { values.append(try expression.evaluate(document)) }
        var result = document
        for (index, (path, _)) in fields.enumerated() {
            result = setField(result, path[...], values[index])
        }
        return result
    }

    /// `$addFields` path semantics: through documents, into every document of an array; anything else
    /// in the way is replaced by a document.
    private static func setField(_ document: Document, _ path: ArraySlice<String>, _ value: BSONValue?) -> Document {
        var result = document
        let key = path.first!
        if path.count == 1 {
            result[key] = value
            return result
        }
        let rest = path.dropFirst()
        switch document[key] {
        case .document(let inner)?:
            result[key] = .document(setField(inner, rest, value))
        case .array(let elements)?:
            result[key] = .array(elements.map { element in
                if case .document(let inner) = element { return .document(setField(inner, rest, value)) }
                return .document(setField(Document(), rest, value))
            })
        default:
            guard value != nil else { return result }
            result[key] = .document(setField(Document(), rest, value))
        }
        return result
    }

    static func unwind(_ document: Document, _ path: [String], _ preserve: Bool, _ indexField: String?) -> [Document] {
        let value = DocumentPath.value(in: document, path)
        func withIndex(_ base: Document, _ index: BSONValue) -> Document {
            guard let indexField else { return base }
            return (try? DocumentPath.modify(base, QueryPath.split(indexField), create: true) { _ in .set(index) }) ?? base
        }
        switch value {
        case .array(let elements)? where !elements.isEmpty:
            return elements.enumerated().compactMap { offset, element in
                guard let replaced = try? DocumentPath.modify(document, path, create: true, { _ in .set(element) }) else { return nil }
                return withIndex(replaced, .int64(Int64(offset)))
            }
        case .array?:
            guard preserve else { return [] }
            let removed = (try? DocumentPath.modify(document, path, create: false) { _ in .remove }) ?? document
            return [withIndex(removed, .null)]
        case nil, .null?, .undefined?:
            return preserve ? [withIndex(document, .null)] : []
        default:
            return [withIndex(document, .null)]
        }
    }
}
