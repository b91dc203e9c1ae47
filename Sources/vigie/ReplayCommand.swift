import Jobs

/// `vigie replay FEED FILE...`: archived payloads through the same path as a fetch.
enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "ingest archived raw payloads (backfill, recovery) through the same path as fetch"
    static let help = """
    usage: vigie replay FEED FILE...

    Normalises each FILE (a raw payload, e.g. var/raw/usgs/2024-07-27/080300Z.json) with FEED's normaliser
    and upserts the readings exactly as 'vigie fetch' does: replaying twice changes nothing.
    Vélib' status files are joined with the station information archived beside them (HHMMSSZ.station_information.json,
    or the closest-named *station_information* file in the same directory), else with the cached copy;
    station information files given as FILE are skipped.
    Progress: one event=replay_file line per file on stderr, then event=replay with the totals.
    Exit codes: 0 ok, 2 usage or unreadable file, 4 a payload could not be read (other files still ingested),
    5 database (the replay stops).
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let words = try arguments.positionals()
        guard words.count >= 2 else {
            throw CLIError.usage("vigie replay: expected FEED and at least one FILE, see 'vigie replay --help'")
        }
        let outcome = Replayer(settings: try JobCommandSupport.settings()).run(feed: words[0], files: Array(words.dropFirst()))
        if let failure = outcome.failure {
            throw CLIError(JobCommandSupport.exitCode(failure),
                           "vigie replay \(words[0]): \(outcome.failedFiles) of \(outcome.files) file(s) failed; first: \(failure.message)")
        }
        return .ok
    }
}
