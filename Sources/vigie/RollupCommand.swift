import Jobs

/// `vigie rollup [--hours N]`: hourly aggregates and retention.
enum RollupCommand: Command {
    static let name = "rollup"
    static let summary = "hourly aggregates into rollups_hourly, raw-file and old-reading pruning"
    static let help = """
    usage: vigie rollup [--hours N]

    Recomputes the hourly aggregates of the N whole hours before the current one and of the current hour
    so far (default N = 3) into `rollups_hourly` ({feed, key, hour, count, stats: {field: {min, max, avg}}})
    through the aggregation pipeline; running it again changes nothing.
    Then applies the retention (VIGIE_RETENTION_DAYS, default 7): deletes raw payload files older than it
    whose hour is summarised, and Vélib' station readings older than it (the _network readings are kept).
    Exit codes: 0 ok, 2 usage, 5 database.
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let hours = try arguments.integer("--hours", in: 1...24 * 366) ?? 3
        try arguments.finish()
        let runner = RollupRunner(settings: try JobCommandSupport.settings())
        do {
            _ = try runner.run(hours: hours)
        } catch {
            throw JobCommandSupport.fail("rollup", error)
        }
        return .ok
    }
}
