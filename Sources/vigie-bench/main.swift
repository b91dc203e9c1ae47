// vigie-bench: benchmarks, selected by the first argument.
#if canImport(Glibc)
import Glibc
#endif

let benchmarkArguments = Array(CommandLine.arguments.dropFirst())
do {
    switch benchmarkArguments.first {
    case "store":
        try StoreBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
    case "ingest":
        try IngestBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
    case "all":
        try StoreBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
        try IngestBenchmark.run(arguments: [])
    default:
        print("usage: vigie-bench store [options] | ingest [--runs N] | all")
        exit(2)
    }
} catch {
    let line = Array("vigie-bench: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
