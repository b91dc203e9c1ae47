import BSON
import Feeds
import Foundation
import Jobs

/// `vigie feeds`: the feeds with their metadata and last fetch.
enum FeedsCommand: Command {
    static let name = "feeds"
    static let summary = "the feeds with their metadata and last fetch"
    static let help = """
    usage: vigie feeds

    One row per feed: id, title, period, licence, the last fetch (ok / failed with its HTTP status, and when,
    UTC) and STALE when the last success is older than twice the period (or there was none).
    When the database cannot be reached the metadata is still printed, and the exit code is 5.
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try arguments.finish()
        let settings = try JobCommandSupport.settings()
        var statuses: [FeedStatus]?
        var failure: JobFailure?
        do {
            statuses = try FeedStatus.all(store: try JobDatabase(settings: settings).store())
        } catch {
            failure = error
        }
        var rows = [["FEED", "TITLE", "PERIOD", "LICENCE", "LAST FETCH", "STALE"]]
        for feed in FeedRegistry.all {
            let status = statuses?.first { $0.feed.id == feed.id }
            rows.append([feed.id, feed.title, period(feed.periodSeconds), feed.licence,
                         status.map(lastFetch) ?? "(database unreachable)",
                         status.map { $0.stale ? "STALE" : "fresh" } ?? "?"])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        if let failure { throw JobCommandSupport.fail("feeds", failure) }
        return .ok
    }

    static func period(_ seconds: Int) -> String {
        seconds % 3600 == 0 ? "\(seconds / 3600) h" : seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    static func lastFetch(_ status: FeedStatus) -> String {
        guard let fetch = status.lastFetch else { return "never" }
        let when = String(ISODate.format(Int64(fetch.startedAt.timeIntervalSince1970 * 1000)).prefix(16)).replacingOccurrences(of: "T", with: " ")
        let code = fetch.httpStatus.map { " \($0)" } ?? ""
        return (fetch.ok ? "ok\(code)" : "FAILED\(code)") + " at " + when
    }
}
