// vigie-bench: benchmarks, one subcommand each.
#if canImport(Glibc)
import Glibc
#endif

let benchArguments = Array(CommandLine.arguments.dropFirst())
do {
    switch benchArguments.first {
    case "latency":
        try LatencyBenchmark.run(arguments: Array(benchArguments.dropFirst()))
    default:
        print("usage: vigie-bench latency [options]   (vigie-bench latency --help)")
        exit(benchArguments.isEmpty ? 2 : (benchArguments.first == "--help" ? 0 : 2))
    }
} catch {
    let line = Array("vigie-bench: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
