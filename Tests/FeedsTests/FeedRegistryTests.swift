import Foundation
import Testing
@testable import Feeds

@Suite struct FeedRegistryTests {
    @Test func fourFeedsWithCompleteMetadata() {
        #expect(FeedRegistry.ids == ["usgs", "openmeteo", "velib", "eco2mix"])
        for feed in FeedRegistry.all {
            #expect(!feed.title.isEmpty && !feed.description.isEmpty && !feed.zone.isEmpty)
            #expect(!feed.licence.isEmpty && !feed.attribution.isEmpty && feed.sourceURL.hasPrefix("https://"))
            #expect(feed.periodSeconds >= 60)
            #expect(!feed.access.requiresKey && !feed.access.rateLimit.isEmpty)
            #expect(!feed.fields.isEmpty)
            #expect(feed.fieldUnits.count == feed.fields.count, "duplicate field name in \(feed.id)")
            #expect(feed.documents.allSatisfy { $0.origin.hasPrefix("https://") && $0.pathAndQuery.hasPrefix("/") })
        }
        #expect(FeedRegistry.feed(id: "usgs")?.fieldUnits["depth"] == "km")
        #expect(FeedRegistry.feed(id: "eco2mix")?.fieldUnits["taux_co2"] == "g/kWh")
        #expect(FeedRegistry.feed(id: "velib")?.periodSeconds == 60)
        #expect(FeedRegistry.feed(id: "openmeteo")?.periodSeconds == 900)
        #expect(FeedRegistry.feed(id: "nope") == nil)
    }

    @Test func originOverrideKeepsOnlySchemeHostAndPort() throws {
        #expect(try FeedOrigin(parsing: "http://127.0.0.1:8080").text == "http://127.0.0.1:8080")
        #expect(try FeedOrigin(parsing: " HTTP://localhost/ ").text == "http://localhost")
        #expect(try FeedOrigin(parsing: "https://[::1]:8443").text == "https://[::1]:8443")
        let cases: [(String, String)] = [
            ("127.0.0.1:8080", "missing scheme"),
            ("ftp://127.0.0.1", "scheme must be http or https"),
            ("http://127.0.0.1:8080/v1/forecast", "only scheme://host[:port] is allowed"),
            ("http://127.0.0.1:99999", "invalid port"),
            ("http://user:pw@127.0.0.1", "credentials"),
            ("http://", "missing host"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try FeedOrigin(parsing: text)
            } throws: { error in
                "\(error)".contains(reason) && "\(error)".contains(text)
            }
        }
    }
}
