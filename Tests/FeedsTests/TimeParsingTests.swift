import Foundation
import Testing
@testable import Feeds

@Suite struct TimeParsingTests {
    @Test(arguments: [
        ("2024-12-31T23:15:00+00:00", 1_735_686_900.0),
        ("2025-01-01T00:15:00+01:00", 1_735_686_900.0),
        ("2025-01-01T00:15+0100", 1_735_686_900.0),
        ("2024-12-31 23:15:00Z", 1_735_686_900.0),
        ("2024-02-29T12:00:00.250Z", 1_709_208_000.25),
        ("1969-12-31T23:59:59-00:00", -1.0),
    ])
    func instantsWithAnOffset(text: String, seconds: Double) throws {
        let stamp = try #require(ISOTimestamp(text))
        #expect(stamp.utcSeconds() == seconds)
    }

    @Test func localTimeNeedsAnOffsetFromElsewhere() throws {
        let stamp = try #require(ISOTimestamp("2023-08-05T00:00"))
        #expect(stamp.offsetSeconds == nil)
        #expect(stamp.utcSeconds() == nil)
        #expect(stamp.utcSeconds(fallbackOffset: 7200) == 1_691_186_400)  // 2023-08-04T22:00:00Z
    }

    @Test(arguments: ["2023-02-29T00:00Z", "2023-13-01T00:00Z", "2023-01-01", "2023-01-01T24:00Z",
                      "2023-01-01T00:00+25:00", "2023-01-01T00:00:00.Z", "yesterday", "2023-01-01T00:00Zjunk"])
    func invalidTextIsRefused(text: String) {
        #expect(ISOTimestamp(text) == nil)
    }

    @Test func formatsUTCWithMilliseconds() {
        #expect(EpochTime.iso8601(Date(timeIntervalSince1970: 1_722_067_380)) == "2024-07-27T08:03:00.000Z")
        #expect(EpochTime.iso8601(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(EpochTime.seconds(18_001) == nil)  // Citi Bike's bogus clock
        #expect(EpochTime.milliseconds(1_664_590_219_000) == Date(timeIntervalSince1970: 1_664_590_219))
    }

    @Test func numbersTooLargeForADoubleRejectTheRecord() throws {
        let payload = #"{"features":[{"id":"x","properties":{"time":1700000000000,"mag":1e999}}]}"#
        let result = try USGSFeed().normalise(Data(payload.utf8))
        #expect(result.readings.isEmpty)
        #expect(result.rejected.first?.reason == "mag is out of range")
    }
}
