// vigie-bench: benchmarks, selected by the first argument.
#if canImport(Glibc)
import Glibc
#endif

let benchmarkArguments = Array(CommandLine.arguments.dropFirst())
do {
    switch benchmarkArguments.first {
    case "store":
        try StoreBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
    case "latency":
        try LatencyBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
    case "all":
        try StoreBenchmark.run(arguments: [])
        try LatencyBenchmark.run(arguments: [])
    default:
        print("usage: vigie-bench store|latency|all [options]   (vigie-bench BENCHMARK --help)")
        exit(2)
    }
} catch {
    let line = Array("vigie-bench: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
