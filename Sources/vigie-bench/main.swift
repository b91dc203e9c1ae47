// vigie-bench: benchmarks, selected by the first argument.
#if canImport(Glibc)
import Glibc
#endif

let benchmarkArguments = Array(CommandLine.arguments.dropFirst())
do {
    switch benchmarkArguments.first {
    case "store", "all":
        try StoreBenchmark.run(arguments: Array(benchmarkArguments.dropFirst()))
    default:
        print("usage: vigie-bench store [options]   (vigie-bench store --help)")
        exit(2)
    }
} catch {
    let line = Array("vigie-bench: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
