#if canImport(Glibc)
import Glibc
#endif
import BSON
import Dashboard
import EmbeddedMongo
import Dispatch
import Foundation
import Mongo
import Net

/// `vigie-bench latency`: insert → change stream → server → viewer, with 1 / 100 / 1,000 viewers
/// connected at once; prints p50 / p99 / max per viewer count (goal: p99 < 20 ms with 1,000 viewers).
enum LatencyBenchmark {
    static let usage = """
    usage: vigie-bench latency [--viewers 1,100,1000] [--inserts N] [--interval-ms MS] [--readers N] [--uri MONGODB_URI]

    Starts the embedded store (or uses --uri, database vigie_bench) and the dashboard server in this
    process, connects the viewers, then inserts N readings (default 200), one every MS milliseconds
    (default 20), and measures, for every viewer and every insert, the time from just before the insert
    to the moment the viewer has read the reading's frame. The viewers are read by N threads (default 2).
    """

    struct Options {
        var viewerCounts = [1, 100, 1000]
        var inserts = 200
        var intervalMilliseconds = 20.0
        var uri: String?
        /// Threads reading the viewers' sockets.
        var readers = 2
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
            let sorted = result.sorted()
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
    /// The viewers are read by `readers` threads, so the measuring side is not one serial bottleneck.
    static func measure(round: Int, viewers count: Int, options: Options, port: Int, readings: Collection) throws -> [Double] {
        var connected = [BenchViewer]()
        defer { connected.forEach { $0.close() } }
        for _ in 0..<count {
            let viewer = try BenchViewer(port: port)
            try viewer.send("{\"type\":\"subscribe\",\"feeds\":[\"*\"],\"since\":null}")
            connected.append(viewer)
        }
        let groups = min(options.readers, count)
        let sets = try (0..<groups).map { group in
            try ViewerSet(stride(from: group, to: count, by: groups).map { connected[$0] })
        }
        // Subscribed once each viewer has its status message (sent right after the subscription);
        // then a few unmeasured readings warm everything up (first frames, first token save).
        let warmPrefix = "warm\(round)-"
        for set in sets { try set.await(count: set.viewers.count, marker: "\"type\":\"status\"", what: "subscribed") }
        for sequence in 0..<3 {
            try readings.insertOne(["feed": "usgs", "key": .string(warmPrefix + String(sequence)),
                                    "at": .datetime(Int64(Date().timeIntervalSince1970 * 1000)), "values": ["seq": 0]])
        }
        for set in sets { try set.await(count: 3 * set.viewers.count, marker: "\"key\":\"\(warmPrefix)", what: "warmed up") }

        let prefix = "lat\(round)-"
        let sent = SentTimes(count: options.inserts)
        let finished = DispatchGroup()
        for set in sets {
            finished.enter()
            let thread = Thread {
                set.measure(prefix: prefix, expected: set.viewers.count * options.inserts, sent: sent)
                finished.leave()
            }
            thread.start()
        }
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
        finished.wait()
        if let failure = sent.waitUntilComplete() { throw BenchError("insert failed: \(failure)") }
        return sets.flatMap(\.latencies)
    }

    /// The viewers of one reading thread, watched through epoll so that a wait costs nothing per idle viewer.
    final class ViewerSet: @unchecked Sendable {
        // @unchecked Sendable: used by one thread at a time (the main thread, then its reader thread).
        let viewers: [BenchViewer]
        private(set) var latencies: [Double] = []
        private let poller: EpollPoller
        private var events: [PollEvent] = []
        private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)

        init(_ viewers: [BenchViewer]) throws {
            self.viewers = viewers
            poller = try EpollPoller(capacity: 1024)
            for (index, viewer) in viewers.enumerated() {
                try poller.add(fd: viewer.fd, token: UInt64(index), interest: Interest(readable: true, writable: false))
            }
        }

        deinit { scratch.deallocate() }

        /// Waits up to 50 ms for data, then hands every complete message to `body`.
        func poll(_ body: (UnsafeRawBufferPointer) -> Void) {
            events.removeAll(keepingCapacity: true)
            guard (try? poller.wait(timeoutMilliseconds: 50, into: &events)) != nil else { return }
            for event in events {
                let viewer = viewers[Int(event.token)]
                if !viewer.receive(scratch: scratch, body) { poller.remove(fd: viewer.fd) }
            }
        }

        /// Reads until `count` messages containing `marker` arrived (30 s at most).
        func await(count: Int, marker: String, what: String) throws {
            var seen = 0
            let deadline = Date(timeIntervalSinceNow: 30)
            while seen < count {
                guard Date() < deadline else { throw BenchError("only \(seen) of \(count) viewer messages: not all viewers \(what) within 30 s") }
                poll { if LatencyBenchmark.contains($0, marker) { seen += 1 } }
            }
        }

        /// Records the latency of every measured reading, until all arrived or 10 s passed without any.
        func measure(prefix: String, expected: Int, sent: SentTimes) {
            latencies.reserveCapacity(expected)
            var quietSince = Monotonic.nanoseconds()
            while latencies.count < expected {
                var progressed = false
                poll { message in
                    let now = Monotonic.nanoseconds()
                    guard let sequence = LatencyBenchmark.sequenceNumber(in: message, prefix: prefix),
                          let start = sent.time(sequence) else { return }
                    latencies.append(Double(now - start) / 1e6)
                    progressed = true
                }
                if progressed { quietSince = Monotonic.nanoseconds() }
                if sent.isComplete && Monotonic.nanoseconds() - quietSince > 10_000_000_000 { return }
            }
        }
    }

    /// The N of `"key":"<prefix>N"` in a frame, without parsing the JSON.
    static func sequenceNumber(in message: UnsafeRawBufferPointer, prefix: String) -> Int? {
        let marker = Array("\"key\":\"\(prefix)".utf8)
        guard let start = find(marker, in: message) else { return nil }
        var value = 0
        var index = start + marker.count
        while index < message.count, message[index] >= 48, message[index] <= 57 {
            value = value * 10 + Int(message[index] - 48)
            index += 1
        }
        return index > start + marker.count ? value : nil
    }

    static func contains(_ message: UnsafeRawBufferPointer, _ text: String) -> Bool {
        find(Array(text.utf8), in: message) != nil
    }

    /// The position of `needle` in `haystack` (memchr + memcmp: the reader must stay cheap).
    static func find(_ needle: [UInt8], in hay: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, hay.count >= needle.count, let base = hay.baseAddress else { return nil }
        return needle.withUnsafeBytes { pin -> Int? in
            var position = 0
            let last = hay.count - pin.count
            while position <= last {
                guard let hit = memchr(base + position, Int32(first), last - position + 1) else { return nil }
                let offset = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + offset, pin.baseAddress!, pin.count) == 0 { return offset }
                position = offset + 1
            }
            return nil
        }
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
            case "--readers":
                guard let count = Int(value), (1...64).contains(count) else { throw BenchError("--readers takes a whole number from 1 to 64") }
                options.readers = count
            case "--uri":
                options.uri = value
            default:
                throw BenchError("unknown option \(word)\n\(usage)")
            }
        }
        return options
    }
}
