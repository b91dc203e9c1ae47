import BSON

/// One compiled aggregation stage.
enum PipelineStage: Sendable {
    case match(Matcher)
    case project(Projection)
    case addFields([([String], Expression)])
    case replaceRoot(Expression)
    case sort(SortSpecification)
    case limit(Int)
    case skip(Int)
    case group(GroupStage)
    case count(String)
    case unwind(path: [String], preserveNullAndEmptyArrays: Bool, includeArrayIndex: String?)
    case bucket(BucketStage)

    /// Stages that see one document at a time and can be fused into one pass.
    var isStreaming: Bool {
        switch self {
        case .match, .project, .addFields, .replaceRoot, .limit, .skip, .unwind: return true
        case .sort, .group, .count, .bucket: return false
        }
    }

    private static let knownUnsupported: Set<String> = [
        "$lookup", "$facet", "$graphLookup", "$out", "$merge", "$sample", "$geoNear", "$indexStats", "$collStats",
        "$densify", "$fill", "$setWindowFields", "$unionWith", "$redact", "$bucketAuto", "$documents", "$currentOp",
        "$listSessions", "$listLocalSessions", "$planCacheStats", "$search", "$searchMeta", "$listSearchIndexes",
    ]

    /// Parses one `{$stage: spec}`; `$sortByCount` expands to two stages.
    static func parse(_ value: BSONValue) throws(CommandError) -> [PipelineStage] {
        guard case .document(let document) = value, document.count == 1, let (name, specification) = document.pairs.first else {
            throw CommandError(code: 40323, codeName: "Location40323", message: "A pipeline stage specification object must contain exactly one field.")
        }
        switch name {
        case "$match":
            return [.match(try Matcher(filter: try requireDocument(name, specification)))]
        case "$project":
            let fields = try requireDocument(name, specification)
            guard !fields.isEmpty else {
                throw CommandError(code: 51272, codeName: "Location51272", message: "$project requires at least one output field")
            }
            return [.project(try Projection(fields))]
        case "$unset":
            let names: [BSONValue] = if case .array(let list) = specification { list } else { [specification] }
            var exclusion = Document()
            for case .string(let field) in names { exclusion.append(field, .int32(0)) }
            guard !names.isEmpty, exclusion.count == names.count else {
                throw CommandError(code: 31120, codeName: "Location31120", message: "$unset specification must be a string or an array containing only string values")
            }
            return [.project(try Projection(exclusion))]
        case "$addFields", "$set":
            return [.addFields(try addFields(try requireDocument(name, specification), prefix: []))]
        case "$replaceRoot":
            guard case .document(let options) = specification, let root = options["newRoot"], options.count == 1 else {
                throw CommandError(code: 40231, codeName: "Location40231", message: "no newRoot specified for the $replaceRoot stage")
            }
            return [.replaceRoot(try ExpressionEvaluator.compile(root))]
        case "$replaceWith":
            return [.replaceRoot(try ExpressionEvaluator.compile(specification))]
        case "$sort":
            let keys = try requireDocument(name, specification)
            guard !keys.isEmpty else {
                throw CommandError(code: 15976, codeName: "Location15976", message: "$sort stage must have at least one sort key")
            }
            return [.sort(try SortSpecification(keys))]
        case "$limit":
            guard specification.isNumber, let limit = specification.int64Value, limit > 0 else {
                throw CommandError(code: 15958, codeName: "Location15958", message: "the limit must be positive")
            }
            return [.limit(Int(limit))]
        case "$skip":
            guard specification.isNumber, let skip = specification.int64Value, skip >= 0 else {
                throw CommandError(code: 15956, codeName: "Location15956", message: "invalid argument to $skip stage: Expected a non-negative number in: \(specification)")
            }
            return [.skip(Int(skip))]
        case "$group":
            return [.group(try GroupStage(try requireDocument(name, specification)))]
        case "$count":
            guard case .string(let field) = specification, !field.isEmpty, !field.hasPrefix("$"), !field.contains(".") else {
                throw CommandError(code: 40156, codeName: "Location40156", message: "the count field must be a non-empty string without '$' or '.'")
            }
            return [.count(field)]
        case "$unwind":
            return [try unwind(specification)]
        case "$sortByCount":
            switch specification {
            case .string(let path) where path.hasPrefix("$"): break
            case .document(let expression) where expression.keys.first?.hasPrefix("$") == true: break
            default:
                throw CommandError(code: 40148, codeName: "Location40148", message: "the sortByCount field must be defined as a $-prefixed path or an expression")
            }
            let group = GroupStage(key: try ExpressionEvaluator.compile(specification),
                                   accumulators: [try Accumulator(field: "count", specification: ["$sum": 1])])
            return [.group(group), .sort(try SortSpecification(["count": -1]))]
        case "$bucket":
            return [.bucket(try BucketStage(try requireDocument(name, specification)))]
        case "$changeStream":
            throw CommandError(code: 40602, codeName: "Location40602", message: "$changeStream is only valid as the first stage in a pipeline")
        default:
            if knownUnsupported.contains(name) { throw .notImplemented("the aggregation stage \(name)") }
            throw CommandError(code: 40324, codeName: "Location40324", message: "Unrecognized pipeline stage name: '\(name)'")
        }
    }

    private static func requireDocument(_ stage: String, _ value: BSONValue) throws(CommandError) -> Document {
        guard case .document(let document) = value else {
            throw CommandError(code: 15955, codeName: "Location15955", message: "the \(stage) stage specification must be an object, not \(value.typeName)")
        }
        return document
    }

    /// Nested objects without operators name nested fields (`{a: {b: 1}}` sets "a.b").
    private static func addFields(_ specification: Document, prefix: [String]) throws(CommandError) -> [([String], Expression)] {
        var fields = [([String], Expression)]()
        for (name, value) in specification {
            guard !name.isEmpty, !name.hasPrefix("$") else {
                throw CommandError(code: 16410, codeName: "Location16410", message: "FieldPath field names may not start with '$'. Got '\(name)'")
            }
            let path = prefix + QueryPath.split(name)
            guard !path.contains("") else {
                throw CommandError(code: 15998, codeName: "Location15998", message: "FieldPath field names may not be empty strings: '\(name)'")
            }
            if case .document(let inner) = value, !inner.isEmpty, inner.keys.first?.hasPrefix("$") == false {
                fields.append(contentsOf: try addFields(inner, prefix: path))
            } else {
                fields.append((path, try ExpressionEvaluator.compile(value)))
            }
        }
        return fields
    }

    private static func unwind(_ specification: BSONValue) throws(CommandError) -> PipelineStage {
        var pathText: String
        var preserve = false
        var indexField: String?
        switch specification {
        case .string(let text):
            pathText = text
        case .document(let options):
            guard case .string(let text)? = options["path"] else {
                throw CommandError(code: 28812, codeName: "Location28812", message: "no path specified to $unwind stage")
            }
            pathText = text
            for (key, value) in options where key != "path" {
                switch (key, value) {
                case ("preserveNullAndEmptyArrays", .bool(let flag)): preserve = flag
                case ("includeArrayIndex", .string(let field)) where !field.isEmpty && !field.hasPrefix("$"): indexField = field
                default:
                    throw CommandError(code: 28811, codeName: "Location28811", message: "unrecognized or invalid option to $unwind stage: \(key)")
                }
            }
        default:
            throw CommandError(code: 15981, codeName: "Location15981", message: "expected either a string or an object as specification for $unwind stage, got \(specification.typeName)")
        }
        guard pathText.hasPrefix("$"), pathText.count > 1 else {
            throw CommandError(code: 28818, codeName: "Location28818", message: "path option to $unwind stage should be prefixed with a '$': \(pathText)")
        }
        pathText.removeFirst()
        return .unwind(path: QueryPath.split(pathText), preserveNullAndEmptyArrays: preserve, includeArrayIndex: indexField)
    }
}
