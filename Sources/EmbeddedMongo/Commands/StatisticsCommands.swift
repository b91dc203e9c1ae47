import BSON

/// dbStats and collStats: counts from the catalog and the tables (sizes are the stored BSON bytes).
enum StatisticsCommands {
    static func databaseStatistics(_ request: CommandRequest) throws -> Document {
        try request.engine.read { session in
            var objects: Int64 = 0, bytes: Int64 = 0, indexes = 0
            let collections = session.collections(in: request.database)
            for info in collections {
                let (count, size) = try totals(info, session: session)
                objects += count
                bytes += size
                indexes += info.indexes.count + 1
            }
            return ["db": .string(request.database), "collections": .int32(Int32(collections.count)), "views": .int32(0),
                    "objects": .int64(objects), "avgObjSize": .double(objects > 0 ? Double(bytes) / Double(objects) : 0),
                    "dataSize": .double(Double(bytes)), "indexes": .int32(Int32(indexes)), "scaleFactor": .int32(1)]
        }
    }

    static func collectionStatistics(_ request: CommandRequest) throws -> Document {
        let name = try request.collectionName()
        return try request.engine.read { session in
            guard let info = session.collection(request.database, name) else {
                throw CommandError.namespaceNotFound(request.database + "." + name)
            }
            let (count, size) = try totals(info, session: session)
            return ["ns": .string(info.namespace), "count": .int64(count), "size": .int64(size),
                    "avgObjSize": .double(count > 0 ? Double(size) / Double(count) : 0),
                    "nindexes": .int32(Int32(info.indexes.count + 1)), "capped": false]
        }
    }

    private static func totals(_ info: CollectionInfo, session: StorageSession) throws -> (Int64, Int64) {
        let statement = try session.connection.prepare("SELECT COUNT(*), COALESCE(SUM(LENGTH(doc)), 0) FROM \(info.tableName)")
        defer { statement.reset() }
        _ = try statement.step()
        return (statement.int64(0), statement.int64(1))
    }
}
