#if canImport(Glibc)
import Glibc
#endif

// vigie-bench: benchmarks, dispatched on the first argument. Each benchmark registers one line below;
// `all` runs every registered one in order.

/// A benchmark: its name, one line of help, and its entry point (arguments after the name → exit code).
struct Benchmark {
    let name: String
    let summary: String
    let run: ([String]) throws -> Int32
}

nonisolated(unsafe) let benchmarks: [Benchmark] = [
    Benchmark(name: "store", summary: "embedded store: bulk insert, indexed range query, change-event latency",
              run: { try StoreBenchmark.run(arguments: $0); return 0 }),
    Benchmark(name: "ingest", summary: "normalise + upsert a Vélib' and a USGS payload; peak RSS of vigie fetch",
              run: { try IngestBenchmark.run(arguments: $0); return 0 }),
    Benchmark(name: "fanout", summary: "WebSocket broadcast to N viewers vs a node-ws peer", run: FanoutBenchmark.run),
]

/// Helper processes the benchmarks start (not benchmarks themselves).
nonisolated(unsafe) let helpers: [Benchmark] = [
    Benchmark(name: "fanout-server", summary: "the Swift broadcast server under test", run: FanoutServer.run),
]

func usage() -> String {
    var text = "usage: vigie-bench BENCHMARK [OPTIONS] | all | BENCHMARK --help\n\nbenchmarks:\n"
    for benchmark in benchmarks { text += "  \(benchmark.name)\t\(benchmark.summary)\n" }
    return text + "  all\truns every benchmark with its defaults\n"
}

func benchMain() -> Int32 {
    let words = Array(CommandLine.arguments.dropFirst())
    guard let first = words.first, first != "--help", first != "-h" else {
        output(usage())
        return words.isEmpty ? 2 : 0
    }
    do {
        if first == "all" {
            guard words.count == 1 else {
                standardErrorLine("vigie-bench all: takes no options (each benchmark runs with its defaults)")
                return 2
            }
            var status: Int32 = 0
            for benchmark in benchmarks {
                output("== \(benchmark.name)")
                let result = try benchmark.run([])
                if result != 0 { status = result }
            }
            return status
        }
        guard let benchmark = (benchmarks + helpers).first(where: { $0.name == first }) else {
            standardErrorLine("vigie-bench: unknown benchmark '\(first)'\n" + usage())
            return 2
        }
        return try benchmark.run(Array(words.dropFirst()))
    } catch {
        standardErrorLine("vigie-bench \(first): \(error)")
        return 1
    }
}

exit(benchMain())
