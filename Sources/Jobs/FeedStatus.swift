import BSON
import Feeds
import Foundation
import Mongo

/// A feed with its last fetch and freshness, for `vigie feeds`.
public struct FeedStatus: Sendable {
    public var feed: any Feed
    public var lastFetch: FetchRecord?
    public var lastSuccessAt: Date?
    /// No success within twice the feed's period (or never).
    public var stale: Bool

    /// The status of every registered feed from `fetches` (newest run, newest successful run).
    public static func all(store: ReadingStore, now: Date = Date()) throws(JobFailure) -> [FeedStatus] {
        var statuses: [FeedStatus] = []
        for feed in FeedRegistry.all {
            do {
                let last = try store.fetches.findOne(["feed": .string(feed.id)], sort: ["startedAt": -1])
                let success = try store.fetches.findOne(["feed": .string(feed.id), "ok": true], sort: ["startedAt": -1])
                let lastSuccessAt = success.flatMap { FetchRecord(document: $0)?.finishedAt }
                let stale = lastSuccessAt.map { now.timeIntervalSince($0) > 2 * Double(feed.periodSeconds) } ?? true
                statuses.append(FeedStatus(feed: feed, lastFetch: last.flatMap(FetchRecord.init(document:)),
                                           lastSuccessAt: lastSuccessAt, stale: stale))
            } catch {
                throw JobDatabase.failure(error, doing: "reading the fetches of \(feed.id)")
            }
        }
        return statuses
    }
}
