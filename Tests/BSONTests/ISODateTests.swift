import Testing
@testable import BSON

@Suite struct ISODateTests {
    @Test func formatsWithMilliseconds() {
        #expect(ISODate.format(0) == "1970-01-01T00:00:00.000Z")
        #expect(ISODate.format(1_722_067_380_123) == "2024-07-27T08:03:00.123Z")
        #expect(ISODate.format(-1) == "1969-12-31T23:59:59.999Z")
        #expect(ISODate.format(951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func parsesZonesAndPrecisions() {
        #expect(ISODate.parse("2024-07-27T08:03:00Z") == 1_722_067_380_000)
        #expect(ISODate.parse("2024-07-27T08:03:00.123Z") == 1_722_067_380_123)
        #expect(ISODate.parse("2024-12-31T23:15:00+00:00") == ISODate.parse("2024-12-31T23:15:00Z"))
        #expect(ISODate.parse("2025-01-01T00:15:00+01:00") == ISODate.parse("2024-12-31T23:15:00Z"))
        #expect(ISODate.parse("2023-08-05T00:00", defaultOffsetSeconds: 7200) == ISODate.parse("2023-08-04T22:00:00Z"))
        #expect(ISODate.parse("2024-07-27") == 1_722_038_400_000)
        #expect(ISODate.parse("not a date") == nil)
        #expect(ISODate.parse("2024-13-01") == nil)
        #expect(ISODate.parse("2024-07-27T08:03:00Zjunk") == nil)
    }

    @Test func formatAndParseAgreeOverCenturies() {
        for milliseconds in stride(from: Int64(-2_208_988_800_000), to: 4_102_444_800_000, by: 86_399_937_013) {
            #expect(ISODate.parse(ISODate.format(milliseconds)) == milliseconds)
        }
    }
}
