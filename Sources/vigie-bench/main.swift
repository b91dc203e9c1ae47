// vigie-bench: benchmarks, one per first argument.
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "ingest":
    do {
        try IngestBenchmark.run(arguments: Array(arguments.dropFirst()))
    } catch {
        print("vigie-bench ingest: \(error)")
        exit(1)
    }
default:
    print("usage: vigie-bench ingest [--runs N]")
    exit(2)
}
