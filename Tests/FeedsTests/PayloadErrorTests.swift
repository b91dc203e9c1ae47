import Foundation
import Testing
@testable import Feeds

/// Payload-level failures are the same for every feed: a typed error with a clear message, never readings.
@Suite struct PayloadErrorTests {
    static let feeds: [any Feed] = FeedRegistry.all

    @Test(arguments: FeedRegistry.ids)
    func htmlInsteadOfJSON(id: String) throws {
        let feed = try #require(FeedRegistry.feed(id: id))
        let html = Data("\n<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>".utf8)
        #expect {
            try feed.normalise([feed.primaryDocument.name: html])
        } throws: { error in
            guard case FeedPayloadError.html(let feedID, let document, let excerpt) = error else { return false }
            return feedID == id && document == feed.primaryDocument.name && excerpt.hasPrefix("<!DOCTYPE html> <html>")
                && "\(error)".contains("is HTML, not JSON")
        }
    }

    @Test(arguments: FeedRegistry.ids)
    func truncatedRecordedPayload(id: String) throws {
        let feed = try #require(FeedRegistry.feed(id: id))
        let recorded: String
        switch id {
        case "usgs": recorded = "usgs/all_hour_2022-10-01.geojson"
        case "openmeteo": recorded = "openmeteo/forecast_current_eight_cities_handwritten.json"
        case "velib": recorded = "velib/velib_station_status_2022-02-23.json"
        default: recorded = "eco2mix/eco2mix_national_tr_results_2025-08-22.json"
        }
        let whole = try Fixtures.data(recorded)
        let truncated = whole.prefix(whole.count / 2)
        #expect {
            try feed.normalise([feed.primaryDocument.name: Data(truncated)])
        } throws: { error in
            guard case FeedPayloadError.notJSON(let feedID, _, let detail) = error else { return false }
            return feedID == id && detail.contains("truncated") && detail.contains("of \(truncated.count)")
        }
    }

    @Test(arguments: FeedRegistry.ids)
    func emptyBody(id: String) throws {
        let feed = try #require(FeedRegistry.feed(id: id))
        #expect(throws: FeedPayloadError.empty(feed: id, document: feed.primaryDocument.name)) {
            try feed.normalise([feed.primaryDocument.name: Data(" \r\n".utf8)])
        }
    }

    @Test(arguments: FeedRegistry.ids)
    func wrongTopLevelShape(id: String) throws {
        let feed = try #require(FeedRegistry.feed(id: id))
        #expect {
            try feed.normalise([feed.primaryDocument.name: Data("42".utf8)])
        } throws: { error in
            guard case FeedPayloadError.unexpectedShape(let feedID, _, let detail) = error else { return false }
            return feedID == id && detail.contains("top level is a number")
        }
    }

    @Test func messagesNameTheFeedAndDocument() {
        #expect(FeedPayloadError.notJSON(feed: "usgs", document: "summary", detail: "x at byte 3").description
                == "feed usgs: summary payload is not valid JSON: x at byte 3")
        #expect(FeedPayloadError.missingDocument(feed: "velib", document: "station_status").description
                == "feed velib: the station_status payload is required but was not given")
    }
}
