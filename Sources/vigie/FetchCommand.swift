import Foundation
import Jobs

/// `vigie fetch FEED [--url URL] [--demo]`: one fetch run of one feed.
enum FetchCommand: Command {
    static let name = "fetch"
    static let summary = "one fetch run of one feed: download, archive, normalise, upsert"
    static let help = """
    usage: vigie fetch FEED [--url URL] [--demo]

    Downloads the feed's payload, keeps it as $VIGIE_HOME/raw/FEED/YYYY-MM-DD/HHMMSSZ.json, normalises it
    into readings, upserts them into `readings` (reruns change nothing) and records the run in `fetches`.
    FEED is one of: usgs, openmeteo, velib, eco2mix.

      --url URL   replace the API's origin (scheme://host[:port]); the path and query stay the feed's own.
                  VIGIE_URL_<FEED> (e.g. VIGIE_URL_USGS) does the same.
      --demo      replay the next recorded payload of Tests/Fixtures (cycling, times moved to now) instead
                  of calling the API; VIGIE_DEMO=1 does the same (used by 'vigie up --demo').

    Environment: MONGODB_URI, VIGIE_DB, VIGIE_HOME, VIGIE_HTTP_TIMEOUT (s, default 30),
    VIGIE_HTTP_ATTEMPTS (default 3), VIGIE_MAX_RESPONSE_MB (default 16).
    One line per event (key=value) on stderr; the last one is event=fetch with the counts.
    Exit codes: 0 ok, 2 usage, 3 network/HTTP, 4 payload (not JSON, schema drift), 5 database
    (the raw payload is kept: 'vigie replay FEED FILE' ingests it later).
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let origin = try arguments.option("--url")
        let demo = arguments.flag("--demo")
        let words = try arguments.positionals()
        guard words.count == 1 else {
            throw CLIError.usage("vigie fetch: expected exactly one FEED (usgs, openmeteo, velib, eco2mix), see 'vigie fetch --help'")
        }
        let settings = try JobCommandSupport.settings()
        let outcome = FetchRunner(settings: settings).run(feed: words[0], origin: origin, demo: demo)
        if let failure = outcome.failure {
            let prefix = "feed \(words[0]): "
            let message = failure.message.hasPrefix(prefix) ? String(failure.message.dropFirst(prefix.count)) : failure.message
            throw CLIError(JobCommandSupport.exitCode(failure), "vigie fetch \(words[0]): \(message)")
        }
        return .ok
    }
}
