import BSON
import EmbeddedMongo
import Foundation
import Mongo
#if canImport(Glibc)
import Glibc
#endif

/// `vigie-bench store`: the embedded store through libmongoc — durable bulk insert with the two readings
/// indexes, an indexed range query over a million readings, and insert-to-change-event latency.
enum StoreBenchmark {
    struct Options {
        var bulkDocuments = 100_000
        var queryDocuments = 1_000_000
        var queries = 50
        var events = 1000
        var uri: String?
        var durability = StoreDurability.fsyncEachCommit
    }

    static let usage = """
    usage: vigie-bench store [--documents N] [--query-documents N] [--queries N] [--events N] [--sync full|normal]
                             [--uri URI]

    Starts the embedded store in-process (temporary --dbpath) unless --uri names a running server, then
    measures: bulk insert of N reading-shaped documents (default 100000, unique {feed,key,at} and {feed,at:-1}
    indexes, acknowledged = committed and fsynced), a range query returning 1000 readings over
    --query-documents readings (default 1000000), and insert-to-change-event latency over --events inserts.
    --sync normal runs the store with fsyncs at checkpoints only (see 'vigie store --help').
    """

    static func run(arguments: [String]) throws {
        var options = Options()
        var words = arguments[...]
        while let word = words.popFirst() {
            func number() throws -> Int {
                guard let text = words.popFirst(), let value = Int(text), value > 0 else {
                    throw BenchmarkError("\(word) needs a positive whole number\n\(usage)")
                }
                return value
            }
            switch word {
            case "--documents": options.bulkDocuments = try number()
            case "--query-documents": options.queryDocuments = try number()
            case "--queries": options.queries = try number()
            case "--events": options.events = try number()
            case "--uri": options.uri = words.popFirst()
            case "--sync":
                guard let value = words.popFirst().flatMap(StoreDurability.init(rawValue:)) else {
                    throw BenchmarkError("--sync takes full or normal\n\(usage)")
                }
                options.durability = value
            case "--help", "-h":
                print(usage)
                return
            default: throw BenchmarkError("unknown option '\(word)'\n\(usage)")
            }
        }
        var server: StoreServer?
        var directory: String?
        let uri: String
        if let given = options.uri {
            uri = given
        } else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bench-store-\(getpid())").path
            try? FileManager.default.removeItem(atPath: path)
            directory = path
            let started = try StoreServer(configuration: StoreConfiguration(dbPath: path, durability: options.durability))
            try started.start()
            server = started
            uri = started.uri
        }
        defer {
            server?.stop()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
        let client = try MongoClient(uri: uri)
        let database = try client.database("vigie_bench")
        try database.drop()
        let readings = try database.collection("readings")
        _ = try readings.createIndex(["feed": 1, "key": 1, "at": 1], unique: true)
        _ = try readings.createIndex(["feed": 1, "at": -1])

        var rows = [(String, String, String)]()
        // 1. Bulk insert.
        let bulkSeconds = try insertReadings(readings, range: 0..<options.bulkDocuments)
        let rate = Double(options.bulkDocuments) / bulkSeconds
        rows.append(("bulk insert \(options.bulkDocuments) readings, 2 indexes, sync=\(options.durability.rawValue)", String(format: "%.0f docs/s", rate), ">= 30000 docs/s"))
        print("bulk insert: \(options.bulkDocuments) documents in \(String(format: "%.2f", bulkSeconds)) s")

        // 2. Insert-to-change-event latency, in steady state (before the bulk fill's background checkpoints).
        let latency = try changeLatency(database, events: options.events)
        rows.append(("insert -> change event: p50", String(format: "%.2f ms", latency.p50), ""))
        rows.append(("insert -> change event: p99 (\(options.events) events)", String(format: "%.2f ms", latency.p99), "p99 < 5 ms"))
        // 3. Range query over the full set.
        if options.queryDocuments > options.bulkDocuments {
            let fillSeconds = try insertReadings(readings, range: options.bulkDocuments..<options.queryDocuments)
            print("filled to \(options.queryDocuments) documents in \(String(format: "%.1f", fillSeconds)) s")
        }
        let query = try rangeQueries(readings, total: max(options.queryDocuments, options.bulkDocuments), count: options.queries)
        rows.append(("range query over \(max(options.queryDocuments, options.bulkDocuments)), 1000 returned: p50", String(format: "%.2f ms", query.p50), "< 20 ms"))
        rows.append(("range query: p95 (\(options.queries) queries)", String(format: "%.2f ms", query.p95), ""))

        try database.drop()
        printTable(rows)
    }

    // MARK: Phases

    /// Reading i: four feeds, 250 keys each, one observation per key and minute.
    static func reading(_ index: Int) -> Document {
        let feeds = ["usgs", "openmeteo", "velib", "eco2mix"]
        let step = index / 4
        let at = baseTime + Int64(step / 250) * 60_000
        return [
            "feed": .string(feeds[index % 4]),
            "key": .string("k\(step % 250)"),
            "at": .datetime(at),
            "fetchedAt": .datetime(at + 1500),
            "values": .document(["mag": .double(Double(index % 70) / 10), "depth": .double(Double(index % 300))]),
            "tags": .document(["place": .string("place \(step % 250)"), "magType": "ml"]),
            "geo": .document(["lon": .double(2.35 + Double(index % 100) / 1000), "lat": .double(48.85)]),
        ]
    }

    static let baseTime: Int64 = 1_785_000_000_000

    /// Inserts readings in batches of 10,000 (each one acknowledged after its COMMIT); returns the seconds
    /// spent in insertMany (document building excluded).
    static func insertReadings(_ collection: Mongo.Collection, range: Range<Int>) throws -> Double {
        var seconds = 0.0
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + 10_000, range.upperBound)
            let batch = (start..<end).map(reading)
            let began = now()
            let result = try collection.insertMany(batch, ordered: true)
            seconds += now() - began
            guard result.insertedCount == batch.count else {
                throw BenchmarkError("insertMany stored \(result.insertedCount) of \(batch.count) documents")
            }
            start = end
        }
        return seconds
    }

    static func rangeQueries(_ collection: Mongo.Collection, total: Int, count: Int) throws -> (p50: Double, p95: Double) {
        let minutes = total / 1000
        guard minutes > 4 else { throw BenchmarkError("--query-documents must be above 4000") }
        var samples = [Double]()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<count {
            let feeds = ["usgs", "openmeteo", "velib", "eco2mix"]
            let minute = Int64(Int.random(in: 0..<(minutes - 4), using: &generator))
            let from = baseTime + minute * 60_000
            let filter: Document = ["feed": .string(feeds[round % 4]),
                                    "at": .document(["$gte": .datetime(from), "$lt": .datetime(from + 4 * 60_000)])]
            let began = now()
            let cursor = try collection.find(filter, options: FindOptions(batchSize: 1000))
            var returned = 0
            while try cursor.nextDocument() != nil { returned += 1 }
            samples.append((now() - began) * 1000)
            guard returned == 1000 else { throw BenchmarkError("range query returned \(returned) readings, expected 1000") }
        }
        return (percentile(samples, 0.5), percentile(samples, 0.95))
    }

    static func changeLatency(_ database: Database, events: Int) throws -> (p50: Double, p99: Double) {
        let collection = try database.collection("latency")
        _ = try collection.insertOne(["seq": -1])
        let clock = LatencyClock(count: events)
        let watcher = Thread {
            // ChangeStream belongs to the thread that opened it.
            guard let stream = try? collection.watch(options: ChangeStreamOptions(maxAwaitTimeMS: 1000)) else {
                clock.ready()
                clock.finish()
                return
            }
            clock.ready()
            var received = 0
            var idle = 0
            while received < events, idle < 10 {
                guard let event = (try? stream.next()) ?? nil else {
                    idle += 1
                    continue
                }
                if let seq = event.value(at: "fullDocument.seq")?.int64Value, seq >= 0 {
                    clock.arrived(Int(seq), at: now())
                    received += 1
                    idle = 0
                }
            }
            clock.finish()
        }
        watcher.start()
        clock.waitUntilReady()
        for seq in 0..<events {
            clock.sent(seq, at: now())
            _ = try collection.insertOne(["seq": .int64(Int64(seq)), "at": .datetime(Int64(Date().timeIntervalSince1970 * 1000))])
            usleep(2_000)
        }
        let samples = clock.waitForLatencies()
        guard samples.count == events else {
            throw BenchmarkError("the change stream delivered \(samples.count) of \(events) events")
        }
        return (percentile(samples, 0.5), percentile(samples, 0.99))
    }

    // MARK: Helpers

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    static func printTable(_ rows: [(String, String, String)]) {
        let widths = (rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        print("")
        print(pad("store benchmark", widths.0) + " | " + pad("result", widths.1) + " | goal")
        print(String(repeating: "-", count: widths.0) + "-|-" + String(repeating: "-", count: widths.1) + "-|-----------")
        for row in rows { print(pad(row.0, widths.0) + " | " + pad(row.1, widths.1) + " | " + row.2) }
    }
}

/// Send and arrival times of the latency phase, shared by the inserting and the watching thread.
final class LatencyClock: @unchecked Sendable {
    // `condition` guards every field.
    private let condition = NSCondition()
    private var sentAt: [Double]
    private var arrivedAt: [Double]
    private var done = false
    private var isReady = false

    init(count: Int) {
        sentAt = Array(repeating: .nan, count: count)
        arrivedAt = Array(repeating: .nan, count: count)
    }

    func sent(_ seq: Int, at time: Double) {
        condition.lock()
        sentAt[seq] = time
        condition.unlock()
    }

    func arrived(_ seq: Int, at time: Double) {
        condition.lock()
        if arrivedAt.indices.contains(seq) { arrivedAt[seq] = time }
        condition.unlock()
    }

    func ready() {
        condition.lock()
        isReady = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilReady() {
        condition.lock()
        while !isReady { condition.wait() }
        condition.unlock()
    }

    func finish() {
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// Milliseconds from send to arrival for every event that arrived (waits for the watcher to finish).
    func waitForLatencies() -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return zip(sentAt, arrivedAt).compactMap { sent, arrived in
            arrived.isNaN || sent.isNaN ? nil : (arrived - sent) * 1000
        }
    }
}

/// A benchmark that could not run as asked.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
