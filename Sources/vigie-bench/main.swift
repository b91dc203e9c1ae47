// vigie-bench: benchmarks. Subcommands arrive with their issues.
print("usage: vigie-bench <benchmark>")
