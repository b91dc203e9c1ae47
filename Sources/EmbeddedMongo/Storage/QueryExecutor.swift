import BSON

/// What a find-like read asks for.
struct QueryOptions {
    var filter = Document()
    var sort: Document?
    var skip = 0
    /// 0: no limit.
    var limit = 0
    var projection: Document?
}

/// What a query read, for explain and the planner's tests.
struct QueryStatistics {
    var plan: ScanPlan = .collectionScan
    var documentsExamined: Int64 = 0
    var keysExamined: Int64 = 0
    var returned = 0
}

/// Runs filters over a collection: the planner picks the scan, the matcher decides each document, then sort,
/// skip, limit and projection.
enum QueryExecutor {
    static func find(_ session: StorageSession, database: String, collection name: String, options: QueryOptions)
        throws -> ([Document], QueryStatistics) {
        let matcher = try Matcher(filter: options.filter)
        let sortFields = try options.sort.map(sortFields) ?? []
        let sorter = try options.sort.map { try SortSpecification($0) }
        let projection = try options.projection.map { try Projection($0) }
        var statistics = QueryStatistics()
        guard let collection = session.collection(database, name) else { return ([], statistics) }
        let (plan, sorted) = QueryPlanner.plan(filter: options.filter, sort: sortFields, collection: collection)
        statistics.plan = plan
        let (sum, overflow) = options.skip.addingReportingOverflow(options.limit)
        let wanted = options.limit > 0 && (sorted || sorter == nil) && !overflow ? sum : Int.max
        var results = [Document]()
        let examinedBefore = (session.documentsExamined, session.keysExamined)
        try session.scan(collection, plan: plan) { stored in
            if try matcher.check(stored.document) { results.append(stored.document) }
            return results.count < wanted
        }
        statistics.documentsExamined = session.documentsExamined - examinedBefore.0
        statistics.keysExamined = session.keysExamined - examinedBefore.1
        if let sorter, !sorted { results = sorter.sort(results) }
        if options.skip > 0 { results = Array(results.dropFirst(options.skip)) }
        if options.limit > 0, results.count > options.limit { results = Array(results.prefix(options.limit)) }
        if let projection { results = try results.map { try projection.apply($0) } }
        statistics.returned = results.count
        return (results, statistics)
    }

    /// Stored documents matching `filter` (with row ids, for updates and deletes), in sort order when given.
    static func matching(_ session: StorageSession, collection: CollectionInfo, filter: Document, sort: Document? = nil,
                         limit: Int = 0) throws -> [StoredDocument] {
        let matcher = try Matcher(filter: filter)
        let sortFields = try sort.map(sortFields) ?? []
        let sorter = try sort.map { try SortSpecification($0) }
        let (plan, sorted) = QueryPlanner.plan(filter: filter, sort: sortFields, collection: collection)
        let wanted = limit > 0 && (sorted || sorter == nil) ? limit : Int.max
        var results = [StoredDocument]()
        try session.scan(collection, plan: plan) { stored in
            if try matcher.check(stored.document) { results.append(stored) }
            return results.count < wanted
        }
        if let sorter, !sorted {
            // Ties keep scan order, as the query engine's own sort does.
            results = results.enumerated().sorted { left, right in
                let order = sorter.compare(left.element.document, right.element.document)
                return order != 0 ? order < 0 : left.offset < right.offset
            }.map(\.element)
        }
        if limit > 0, results.count > limit { results = Array(results.prefix(limit)) }
        return results
    }

    /// A sort document as (path, descending) pairs; `{$meta: ...}` sorts are not supported.
    static func sortFields(_ sort: Document) throws -> [(path: String, descending: Bool)] {
        try sort.pairs.map { key, value in
            guard let direction = value.doubleValue, direction == 1 || direction == -1 else {
                throw CommandError.badValue("$sort key ordering must be 1 (for ascending) or -1 (for descending), not \(value) for '\(key)'")
            }
            return (key, direction < 0)
        }
    }
}
