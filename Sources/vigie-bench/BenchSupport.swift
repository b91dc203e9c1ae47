#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One line to stdout, unbuffered, so progress shows while a long benchmark runs.
func output(_ text: String) {
    FileHandle.standardOutput.write((text + "\n").data(using: .utf8)!)
}

/// One line to stderr.
func standardErrorLine(_ text: String) {
    FileHandle.standardError.write((text.hasSuffix("\n") ? text : text + "\n").data(using: .utf8)!)
}

/// A usage error of a benchmark's options.
struct BenchUsageError: Error, CustomStringConvertible {
    let description: String
}

/// `--name value` options of a benchmark.
struct BenchOptions {
    private var values: [String: String] = [:]

    init(_ words: [String], allowed: Set<String>) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.hasPrefix("--"), allowed.contains(String(word.dropFirst(2))) else {
                throw BenchUsageError(description: "unknown option '\(word)' (allowed: \(allowed.sorted().map { "--" + $0 }.joined(separator: " ")))")
            }
            guard index + 1 < words.count else { throw BenchUsageError(description: "\(word) needs a value") }
            values[String(word.dropFirst(2))] = words[index + 1]
            index += 2
        }
    }

    func string(_ name: String, default value: String) -> String { values[name] ?? value }

    func integers(_ name: String, default value: [Int]) throws -> [Int] {
        guard let text = values[name] else { return value }
        let parsed = text.split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard !parsed.isEmpty, parsed.count == text.split(separator: ",").count, parsed.allSatisfy({ $0 > 0 }) else {
            throw BenchUsageError(description: "--\(name) takes positive whole numbers separated by commas, not '\(text)'")
        }
        return parsed
    }

    func number(_ name: String, default value: Double) throws -> Double {
        guard let text = values[name] else { return value }
        guard let parsed = Double(text), parsed > 0 else { throw BenchUsageError(description: "--\(name) takes a positive number") }
        return parsed
    }
}

/// CPU time and resident memory of a process, from /proc.
struct ProcessSample {
    let cpuSeconds: Double
    let rssBytes: Int
    let at: Double

    static func take(pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state(0) ... utime is field 14 overall → index 11 here, stime index 12.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var rss = 0
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) {
            rss = (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return ProcessSample(cpuSeconds: (user + system) / ticks, rssBytes: rss, at: Date().timeIntervalSince1970)
    }

    /// CPU use between two samples, in percent of one core.
    func cpuPercent(since earlier: ProcessSample) -> Double {
        let wall = at - earlier.at
        return wall > 0 ? (cpuSeconds - earlier.cpuSeconds) / wall * 100 : 0
    }
}

/// Latencies in microseconds: 10 µs buckets up to 100 ms, then 1 ms buckets up to 2 minutes.
struct LatencyHistogram {
    private var fine = [Int](repeating: 0, count: 10_000)
    private var coarse = [Int](repeating: 0, count: 120_001)
    private(set) var count = 0
    private(set) var maxMicros: UInt64 = 0

    mutating func record(micros: UInt64) {
        count += 1
        maxMicros = max(maxMicros, micros)
        if micros < 100_000 { fine[Int(micros / 10)] += 1 } else { coarse[Int(min(micros / 1000, 120_000))] += 1 }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in fine.indices { fine[index] += other.fine[index] }
        for index in coarse.indices where other.coarse[index] != 0 { coarse[index] += other.coarse[index] }
        count += other.count
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The latency (ms) below which `fraction` of the samples fall.
    func percentile(_ fraction: Double) -> Double {
        guard count > 0 else { return .nan }
        let target = Int((Double(count) * fraction).rounded(.up))
        var seen = 0
        for (index, value) in fine.enumerated() {
            seen += value
            if seen >= target { return Double(index * 10 + 5) / 1000 }
        }
        for (index, value) in coarse.enumerated() {
            seen += value
            if seen >= target { return Double(index) + 0.5 }
        }
        return Double(maxMicros) / 1000
    }
}
