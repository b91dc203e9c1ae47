import Foundation
import Testing
@testable import Jobs

@Suite(.serialized) struct FeedStatusTests {
    @Test func lastFetchAndStaleFlagFromFetches() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        let store = try TestStore.store(settings)
        let now = Date()
        func fetch(_ feed: String, ago seconds: Double, ok: Bool, status: Int? = 200) throws {
            var record = FetchRecord(feed: feed, startedAt: now.addingTimeInterval(-seconds), finishedAt: now.addingTimeInterval(-seconds + 1), ok: ok)
            record.httpStatus = status
            record.error = ok ? nil : "HTTP \(status ?? 0)"
            try store.record(record)
        }
        try fetch("usgs", ago: 30, ok: true)                    // period 60 s: fresh
        try fetch("velib", ago: 600, ok: true)                  // last success 10 min ago: stale
        try fetch("velib", ago: 20, ok: false, status: 503)     // and the latest run failed
        try fetch("eco2mix", ago: 1200, ok: true)               // period 15 min: within 30 min, fresh
        let statuses = try FeedStatus.all(store: store, now: now)
        func status(_ id: String) throws -> FeedStatus { try #require(statuses.first { $0.feed.id == id }) }
        #expect(statuses.map(\.feed.id) == ["usgs", "openmeteo", "velib", "eco2mix"])
        #expect(try !status("usgs").stale)
        #expect(try status("velib").stale)
        #expect(try status("velib").lastFetch?.ok == false)
        #expect(try status("velib").lastFetch?.httpStatus == 503)
        #expect(try abs(status("velib").lastSuccessAt!.timeIntervalSince(now.addingTimeInterval(-599))) < 0.01)
        #expect(try !status("eco2mix").stale)
        #expect(try status("openmeteo").lastFetch == nil && status("openmeteo").stale)
    }
}
