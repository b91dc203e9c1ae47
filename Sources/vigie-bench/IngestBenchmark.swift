import EmbeddedMongo
import Feeds
import Foundation
import Jobs
import Mongo
#if canImport(Glibc)
import Glibc
#endif

/// `vigie-bench ingest [--runs N]`: normalise + upsert of one full Vélib' status payload (~1,500 stations, goal
/// < 100 ms) and one USGS all_day payload (goal < 30 ms) into the embedded store started in-process, as
/// median ms per run; then the peak RSS of a `vigie fetch` child process (goal < 50 MB) against a local
/// fixture server.
enum IngestBenchmark {
    static let help = """
    usage: vigie-bench ingest [--runs N]

    Normalise + upsert of one full Vélib' status payload (goal < 100 ms) and one USGS all_day payload
    (goal < 30 ms) into the embedded store started in-process, median of N runs (default 15); then the
    peak RSS of 'vigie fetch' child processes against a local fixture server (goal < 50 MB).
    Needs Tests/Fixtures (run from the project directory or set VIGIE_FIXTURES).
    """

    static func run(arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help)
            return
        }
        var runs = 15
        if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 {
            runs = value
        }
        let settingsFromEnvironment = try JobSettings.fromEnvironment()
        guard let fixtures = DemoPayloads.fixturesDirectory(settings: settingsFromEnvironment) else {
            throw BenchFailure("cannot find Tests/Fixtures: run from the project directory or set VIGIE_FIXTURES")
        }
        let scratch = NSTemporaryDirectory() + "vigie-bench-ingest-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let server = try StoreServer(configuration: StoreConfiguration(dbPath: scratch + "/store"))
        try server.start()
        defer { server.stop() }

        var settings = JobSettings(mongoURI: server.uri, databaseName: "bench_ingest", home: scratch + "/home")
        settings.fixturesDirectory = fixtures
        let store = try JobDatabase(settings: settings).store()
        let status = try load(fixtures + "/velib/velib_station_status_2025-10-18.json")
        let information = try load(fixtures + "/velib/velib_station_information_2025-10-18.json")
        let usgs = try load(fixtures + "/usgs/all_day_2022-09-29.geojson")
        let velibPayloads = [VelibFeed.statusDocument: status, VelibFeed.informationDocument: information]

        print("ingest: normalise + bulk upsert into the embedded store (in-process), \(runs) runs each, median")
        var load = [Double](repeating: 0, count: 3)
        getloadavg(&load, 3)
        print("(load average \(format(load[0])) on \(ProcessInfo.processInfo.activeProcessorCount) cores: wall-clock times include waiting for the CPU)")
        print("| payload | readings | step | median ms | min ms | median CPU ms | goal (median) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for (name, feed, payloads, goal) in [("Vélib' station_status (1,495 stations)", VelibFeed() as any Feed, velibPayloads, 100.0),
                                             ("USGS all_day (244 events)", USGSFeed() as any Feed, ["summary": usgs], 30.0)] {
            var count = 0
            let parse = try measure(runs: runs, before: {}) { count = try feed.normalise(payloads).readings.count }
            print("| \(name) | \(count) | normalise only | \(format(parse.median)) | \(format(parse.min)) | \(format(parse.cpu)) | |")
            for expectingNew in [true, false] {
                let fresh = try measure(runs: runs, before: { try store.readings.drop(); try store.ensureIndexes() }) {
                    _ = try store.upsert(try feed.normalise(payloads).readings, fetchedAt: Date(), expectingNew: expectingNew)
                }
                let step = "normalise + store, all new, " + (expectingNew ? "inserts first (a fetch, a replay)" : "upserts")
                print("| \(name) | \(count) | \(step) | \(format(fresh.median)) | \(format(fresh.min)) | \(format(fresh.cpu)) | < \(Int(goal)) ms \(fresh.median < goal ? "ok" : "MISSED") |")
            }
            let again = try measure(runs: runs, before: {}) {
                _ = try store.upsert(try feed.normalise(payloads).readings, fetchedAt: Date())
            }
            print("| \(name) | \(count) | normalise + store, all unchanged, upserts (hourly reconcile, rerun) | \(format(again.median)) | \(format(again.min)) | \(format(again.cpu)) | < \(Int(goal)) ms \(again.median < goal ? "ok" : "MISSED") |")
        }

        let fixtureServer = try BenchFileServer(files: [
            "/opendata/Velib_Metropole/station_status.json": status,
            "/opendata/Velib_Metropole/station_information.json": information,
            "/earthquakes/feed/v1.0/summary/all_hour.geojson": usgs,
        ])
        defer { fixtureServer.stop() }
        print("\n'vigie fetch' child processes against a local fixture server: wall time and peak RSS (goal < 50 MB)")
        print("| command | run | exit | wall ms | peak RSS MB | goal |")
        print("| --- | --- | --- | --- | --- | --- |")
        for feed in ["velib", "usgs"] {
            // The second run gets the same payload: the readings the first run stored are not sent again.
            for run in ["first (all new)", "second (same payload)"] {
                let start = DispatchTime.now().uptimeNanoseconds
                let (status, kilobytes) = try childPeakRSS(["fetch", feed, "--url", fixtureServer.origin], environment: [
                    "MONGODB_URI": server.uri, "VIGIE_DB": "bench_fetch", "VIGIE_HOME": scratch + "/child",
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                ])
                let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
                let megabytes = Double(kilobytes) / 1024
                print("| vigie fetch \(feed) | \(run) | \(status) | \(format(milliseconds)) | \(format(megabytes)) | < 50 MB \(megabytes < 50 ? "ok" : "MISSED") |")
            }
        }
    }

    static func load(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchFailure("missing fixture \(path)") }
        return data
    }

    /// Median and minimum wall-clock ms, and median CPU ms of this process (client and in-process store
    /// together), which a loaded machine inflates far less than wall-clock time.
    static func measure(runs: Int, before: () throws -> Void, _ body: () throws -> Void) throws -> (median: Double, min: Double, cpu: Double) {
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            try before()
            let cpuStart = processCPUMilliseconds()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            cpu.append(processCPUMilliseconds() - cpuStart)
        }
        times.sort()
        cpu.sort()
        return (times[times.count / 2], times[0], cpu[cpu.count / 2])
    }

    static func processCPUMilliseconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Runs `vigie` (beside this executable) and returns its exit status and peak RSS in KiB: VmHWM of
    /// /proc/PID/status, sampled every 2 ms until it exits. (wait4's ru_maxrss cannot be used: posix_spawn
    /// shares this process's memory until exec, and Linux keeps that high-water mark in the child's maxrss.)
    static func childPeakRSS(_ arguments: [String], environment: [String: String]) throws -> (Int32, Int) {
        let executable = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let vigie = (executable as NSString).deletingLastPathComponent + "/vigie"
        guard FileManager.default.isExecutableFile(atPath: vigie) else { throw BenchFailure("no vigie binary at \(vigie): build it") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([vigie] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, vigie, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchFailure("cannot start \(vigie): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var peak = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peak = max(peak, kilobytes)
            }
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) { break }
            usleep(2000)
        }
        return ((status >> 8) & 0xff, peak)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal loopback HTTP server answering GETs with fixed files, for the fetch child (one thread per connection).
final class BenchFileServer: @unchecked Sendable {
    // `files` never changes; the listening socket is closed once by `stop()`.
    private let files: [String: Data]
    private let listener: Int32
    let origin: String

    init(files: [String: Data]) throws {
        self.files = files
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard descriptor >= 0, bound, listen(descriptor, 16) == 0 else { throw BenchFailure("fixture server: \(String(cString: strerror(errno)))") }
        listener = descriptor
        origin = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { if errno == EINTR { continue } else { return } }
                Thread.detachNewThread { [self] in answer(connection) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func answer(_ connection: Int32) {
        defer { close(connection) }
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return }
            request += buffer[0..<count]
        }
        let target = String(decoding: request, as: UTF8.self).split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let path = String(target.split(separator: "?").first ?? "")
        let body = files[path] ?? Data("not found".utf8)
        let head = "HTTP/1.1 \(files[path] == nil ? 404 : 200) OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        for part in [Data(head.utf8), body] {
            part.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}
