#if canImport(Glibc)
import Glibc
#endif
import BSON
import Dashboard
import EmbeddedMongo
import Foundation
import Mongo
import Net

/// `vigie-bench latency`: insert → change stream → server → viewer, with 1 / 100 / 1,000 viewers
/// connected at once; prints p50 / p99 / max per viewer count (goal: p99 < 20 ms with 1,000 viewers).
enum LatencyBenchmark {
    static let usage = """
    usage: vigie-bench latency [--viewers 1,100,1000] [--inserts N] [--interval-ms MS] [--uri MONGODB_URI]

    Starts the embedded store (or uses --uri, database vigie_bench) and the dashboard server in this
    process, connects the viewers, then inserts N readings (default 200), one every MS milliseconds
    (default 10), and measures, for every viewer and every insert, the time from just before the insert
    to the moment the viewer has read the reading's frame.
    """

    struct Options {
        var viewerCounts = [1, 100, 1000]
        var inserts = 200
        var intervalMilliseconds = 10.0
        var uri: String?
    }

    static func run(arguments: [String]) throws {
        if arguments.contains("--help") {
            print(usage)
            return
        }
        let options = try parse(arguments)
        _ = System.raiseOpenFileLimit(to: 1 << 16)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bench-latency-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var store: StoreServer?
        let uri: String
        if let external = options.uri {
            uri = external
        } else {
            let embedded = try StoreServer(configuration: StoreConfiguration(dbPath: directory + "/store"))
            _ = try embedded.start()
            store = embedded
            uri = embedded.uri
        }
        defer { store?.stop() }
        let databaseName = options.uri == nil ? "vigie" : "vigie_bench"
        var configuration = DashboardConfiguration(mongoURI: uri)
        configuration.port = 0
        configuration.databaseName = databaseName
        configuration.serverName = "vigie-bench"
        let server = try DashboardServer(configuration: configuration)
        try server.start()
        defer { server.stop() }
        let deadline = Date(timeIntervalSinceNow: 15)
        while !server.fanout.isDatabaseUp {
            guard Date() < deadline else { throw BenchError("the dashboard's change stream did not start within 15 s") }
            usleep(20_000)
        }
        let readings = try MongoClient(uri: uri).database(databaseName).collection("readings")

        print("latency: insert -> change stream -> server -> viewer  (\(options.uri == nil ? "embedded store" : "external MongoDB"), "
              + "\(configuration.loopCount) event loops, \(options.inserts) inserts every \(options.intervalMilliseconds) ms)")
        print(pad("viewers", 8) + pad("inserts", 9) + pad("received", 12) + pad("p50 ms", 9) + pad("p99 ms", 9) + pad("max ms", 9))
        var rows = [(viewers: Int, p99: Double)]()
        for (round, count) in options.viewerCounts.enumerated() {
            let result = try measure(round: round, viewers: count, options: options, port: server.port, readings: readings)
            let sorted = result.latencies.sorted()
            let expected = count * options.inserts
            print(pad("\(count)", 8) + pad("\(options.inserts)", 9) + pad("\(sorted.count)/\(expected)", 12)
                  + pad(format(percentile(sorted, 0.50)), 9) + pad(format(percentile(sorted, 0.99)), 9) + pad(format(sorted.last), 9))
            rows.append((count, percentile(sorted, 0.99) ?? .infinity))
        }
        if let largest = rows.max(by: { $0.viewers < $1.viewers }) {
            print("goal p99 < 20 ms with \(largest.viewers) viewers: \(largest.p99 < 20 ? "met" : "NOT met") (\(format(largest.p99)) ms)")
        }
    }

    /// Connects `viewers` viewers, inserts, and returns every latency observed, in milliseconds.
    static func measure(round: Int, viewers count: Int, options: Options, port: Int, readings: Collection) throws -> (latencies: [Double], Void) {
        var viewers = [BenchViewer]()
        defer { viewers.forEach { $0.close() } }
        for _ in 0..<count {
            let viewer = try BenchViewer(port: port)
            try viewer.send("{\"type\":\"subscribe\",\"feeds\":[\"*\"],\"since\":null}")
            viewers.append(viewer)
        }
        // Subscribed once each viewer has its status message (sent right after the subscription).
        var ready = Set<Int>()
        let readyDeadline = Date(timeIntervalSinceNow: 30)
        while ready.count < count {
            guard Date() < readyDeadline else { throw BenchError("only \(ready.count) of \(count) viewers subscribed within 30 s") }
            pollOnce(viewers) { index, message in
                if contains(message, "\"type\":\"status\"") { ready.insert(index) }
            }
        }

        // Warm up (first frames, first token save) with a few readings that are not measured.
        let warmPrefix = "warm\(round)-"
        var warmed = 0
        for sequence in 0..<3 {
            try readings.insertOne(["feed": "usgs", "key": .string(warmPrefix + String(sequence)),
                                    "at": .datetime(Int64(Date().timeIntervalSince1970 * 1000)), "values": ["seq": 0]])
        }
        let warmDeadline = Date(timeIntervalSinceNow: 30)
        while warmed < 3 * count {
            guard Date() < warmDeadline else { throw BenchError("warm-up readings did not reach every viewer within 30 s") }
            pollOnce(viewers) { _, message in
                if contains(message, "\"key\":\"\(warmPrefix)") { warmed += 1 }
            }
        }
        let prefix = "lat\(round)-"
        let sent = SentTimes(count: options.inserts)
        let inserter = Thread {
            let interval = UInt32(options.intervalMilliseconds * 1000)
            do {
                for sequence in 0..<options.inserts {
                    sent.mark(sequence, Monotonic.nanoseconds())
                    try readings.insertOne(["feed": "usgs", "key": .string(prefix + String(sequence)),
                                            "at": .datetime(Int64(Date().timeIntervalSince1970 * 1000)),
                                            "values": ["seq": .int32(Int32(sequence))]])
                    if interval > 0 { usleep(interval) }
                }
                sent.finish(error: nil)
            } catch {
                sent.finish(error: "\(error)")
            }
        }
        inserter.start()
        var latencies = [Double]()
        latencies.reserveCapacity(count * options.inserts)
        let expected = count * options.inserts
        var quietSince = Monotonic.nanoseconds()
        while latencies.count < expected {
            var progressed = false
            pollOnce(viewers) { _, message in
                let now = Monotonic.nanoseconds()
                guard let sequence = sequenceNumber(in: message, prefix: prefix), let start = sent.time(sequence) else { return }
                latencies.append(Double(now - start) / 1e6)
                progressed = true
            }
            if progressed { quietSince = Monotonic.nanoseconds() }
            if sent.isComplete && Monotonic.nanoseconds() - quietSince > 10_000_000_000 { break }
        }
        if let failure = sent.waitUntilComplete() { throw BenchError("insert failed: \(failure)") }
        return (latencies, ())
    }

    /// Waits up to 50 ms for data on any viewer, then hands every complete message to `body`.
    static func pollOnce(_ viewers: [BenchViewer], _ body: (Int, [UInt8]) -> Void) {
        var entries = viewers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        guard poll(&entries, nfds_t(entries.count), 50) > 0 else { return }
        for (index, entry) in entries.enumerated() where entry.revents != 0 {
            _ = viewers[index].readAvailable()
            for message in viewers[index].takeMessages() { body(index, message) }
        }
    }

    /// The N of `"key":"<prefix>N"` in a frame, without parsing the JSON.
    static func sequenceNumber(in message: [UInt8], prefix: String) -> Int? {
        let marker = Array("\"key\":\"\(prefix)".utf8)
        guard let range = message.firstRange(of: marker) else { return nil }
        var value = 0
        var index = range.upperBound
        while index < message.count, message[index] >= 48, message[index] <= 57 {
            value = value * 10 + Int(message[index] - 48)
            index += 1
        }
        return index > range.upperBound ? value : nil
    }

    static func contains(_ message: [UInt8], _ text: String) -> Bool {
        message.firstRange(of: Array(text.utf8)) != nil
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    static func format(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var words = arguments[...]
        while let word = words.popFirst() {
            guard let value = words.popFirst() else { throw BenchError("\(word) needs a value\n\(usage)") }
            switch word {
            case "--viewers":
                let counts = value.split(separator: ",").compactMap { Int($0) }
                guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else { throw BenchError("--viewers takes counts like 1,100,1000") }
                options.viewerCounts = counts
            case "--inserts":
                guard let count = Int(value), count > 0 else { throw BenchError("--inserts takes a whole number > 0") }
                options.inserts = count
            case "--interval-ms":
                guard let milliseconds = Double(value), milliseconds >= 0 else { throw BenchError("--interval-ms takes a number >= 0") }
                options.intervalMilliseconds = milliseconds
            case "--uri":
                options.uri = value
            default:
                throw BenchError("unknown option \(word)\n\(usage)")
            }
        }
        return options
    }
}
