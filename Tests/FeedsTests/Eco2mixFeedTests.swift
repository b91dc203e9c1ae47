import Foundation
import Testing
@testable import Feeds

@Suite struct Eco2mixFeedTests {
    let feed = Eco2mixFeed()

    @Test(arguments: ["eco2mix/eco2mix_national_tr_results_2025-01-01_to_06.json",
                      "eco2mix/eco2mix_national_tr_results_2025-08-22.json"])
    func everyRecordedRecordBecomesAReading(path: String) throws {
        let result = try feed.normalise(try Fixtures.data(path))
        #expect(result.recordsSeen == 96)
        #expect(result.readings.count == 96)
        #expect(result.rejected.isEmpty, "\(result.rejected.prefix(3))")
        #expect(result.readings.allSatisfy { $0.key == "france" && $0.feed == "eco2mix" && $0.geo == nil && $0.tags.isEmpty })
        #expect(Set(result.readings.map(\.at)).count == 96)
        // String-typed production fields ("9587", "-13") are read as numbers like the integer ones.
        #expect(result.readings.allSatisfy { $0.values["eolien_terrestre"] != nil && $0.values["stockage_batterie"] != nil })
        #expect(result.readings.allSatisfy { $0.values.count == feed.fields.count })
    }

    @Test func firstRecordFieldByFieldWithUTCTime() throws {
        let result = try feed.normalise(try Fixtures.data("eco2mix/eco2mix_national_tr_results_2025-01-01_to_06.json"))
        let first = try #require(result.readings.first)
        // date "2025-01-01", heure "00:15" are French local time; date_heure is UTC.
        #expect(first.at == ISODate.utc("2024-12-31T23:15:00Z"))
        #expect(first.values["consommation"] == 63954)
        #expect(first.values["eolien_terrestre"] == 9587)
    }

    @Test func recordsOutOfTimeOrderAreAllKept() throws {
        let result = try feed.normalise(try Fixtures.data("eco2mix/eco2mix_national_tr_results_2025-08-22.json"))
        let times = result.readings.map(\.at)
        #expect(times != times.sorted())
        #expect(times.min() == ISODate.utc("2025-08-22T00:00:00Z"))
        #expect(times.max() == ISODate.utc("2025-08-22T23:45:00Z"))
        let first = try #require(result.readings.first)
        #expect(first.at == ISODate.utc("2025-08-22T00:45:00Z"))
        #expect(first.values["stockage_batterie"] == -13)
        #expect(first.values["ech_physiques"] == -14588)
        #expect(first.values["charbon"] == 0)
    }

    @Test func explorerWrapperNullsAndBadRecords() throws {
        let payload = #"""
        {"total_count": 5, "results": [
          {"date_heure": "2025-08-22T10:00:00+00:00", "consommation": 45000, "nucleaire": null, "solaire": "12000", "taux_co2": 20},
          {"date_heure": "2025-08-22T10:15:00+00:00", "consommation": null, "nucleaire": null},
          {"consommation": 45000},
          {"date_heure": "2025-08-22T10:30:00", "consommation": 45000},
          {"date_heure": "2025-08-22T10:45:00+02:00", "consommation": "N/A"},
          {"date_heure": "2025-08-22T12:00:00+02:00", "consommation": 46000}
        ]}
        """#
        let result = try feed.normalise(Data(payload.utf8))
        #expect(result.recordsSeen == 6)
        #expect(result.readings.count == 1)
        #expect(result.readings[0].values == ["consommation": 45000, "solaire": 12000, "taux_co2": 20])  // nulls left out
        #expect(result.rejected.map(\.index) == [1, 2, 3, 4, 5])
        #expect(result.rejected[0].reason.contains("every value is null"))
        #expect(result.rejected[1].reason == "missing date_heure")
        #expect(result.rejected[2].reason.contains("with offset"))
        #expect(result.rejected[3].reason.contains("consommation is the string \"N/A\""))
        #expect(result.rejected[4].reason.contains("duplicate of record 0"))  // 12:00+02:00 is 10:00Z
    }

    @Test func laterFetchFillsInAValueUnderTheSameIdentity() throws {
        let early = try feed.normalise(Data(#"[{"date_heure":"2025-08-22T10:00:00+00:00","consommation":45000,"eolien":null}]"#.utf8))
        let later = try feed.normalise(Data(#"[{"date_heure":"2025-08-22T10:00:00+00:00","consommation":45000,"eolien":"3100"}]"#.utf8))
        #expect(early.readings[0].at == later.readings[0].at)
        #expect(early.readings[0].values["eolien"] == nil)
        #expect(later.readings[0].values["eolien"] == 3100)
    }

    @Test func explorerErrorAndWrongShapesArePayloadErrors() {
        #expect {
            try feed.normalise(Data(#"{"error_code":"ODSQLError","message":"Unknown field: date_heur"}"#.utf8))
        } throws: { error in
            "\(error)".contains("the API answered with an error: Unknown field: date_heur")
        }
        #expect(throws: FeedPayloadError.unexpectedShape(feed: "eco2mix", document: "records",
                                                          detail: "top level is a string, expected {results: [...]} or an array")) {
            try feed.normalise(Data(#""records""#.utf8))
        }
        #expect(throws: FeedPayloadError.unexpectedShape(feed: "eco2mix", document: "records",
                                                          detail: "no \"results\" array in the object")) {
            try feed.normalise(Data(#"{"total_count":0,"records":[]}"#.utf8))
        }
    }

    @Test func anEmptyResultListIsValidAndEmpty() throws {
        #expect(try feed.normalise(Data(#"{"total_count":0,"results":[]}"#.utf8)) == NormalisedPayload())
        #expect(try feed.normalise(Data("[]".utf8)) == NormalisedPayload())
    }

    @Test func requestOrdersByTimeOnTheExplorePath() {
        #expect(feed.primaryDocument.url() == "https://odre.opendatasoft.com/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/records?order_by=date_heure%20desc&limit=96")
    }
}
