import Foundation
import Testing
@testable import Feeds

@Suite struct OpenMeteoFeedTests {
    let feed = OpenMeteoFeed()

    @Test func handWrittenMultiPlaceResponseGivesOneReadingPerCity() throws {
        let result = try feed.normalise(try Fixtures.data("openmeteo/forecast_current_eight_cities_handwritten.json"))
        #expect(result.recordsSeen == 8)
        #expect(result.rejected.isEmpty, "\(result.rejected)")
        #expect(result.readings.map(\.key) == ["Paris", "Lyon", "Marseille", "Lille", "Toulouse", "Bordeaux", "Strasbourg", "Nantes"])
        for reading in result.readings {
            // "2025-01-15T14:45" local with utc_offset_seconds 3600 is 13:45 UTC.
            #expect(reading.at == ISODate.utc("2025-01-15T13:45:00Z"))
            #expect(Set(reading.values.keys) == ["temperature", "humidity", "precipitation", "wind", "windDirection",
                                                 "windGusts", "apparentTemperature", "cloudCover", "pressure",
                                                 "weatherCode", "isDay"])
            #expect(reading.tags["timezone"] == "Europe/Paris")
        }
        let paris = result.readings[0]
        #expect(paris.values["temperature"] == 6.4)
        #expect(paris.values["humidity"] == 81)
        #expect(paris.values["wind"] == 14.8)
        #expect(paris.geo == GeoPoint(lon: 2.3522, lat: 48.8566))  // the configured place, not the grid point
    }

    @Test func handWrittenSinglePlaceResponseInSummerTime() throws {
        let result = try feed.normalise(try Fixtures.data("openmeteo/forecast_current_paris_handwritten.json"))
        let paris = try #require(result.readings.first)
        #expect(result.readings.count == 1)
        #expect(paris.key == "Paris")
        #expect(paris.at == ISODate.utc("2025-07-01T14:30:00Z"))
        #expect(paris.values["temperature"] == 31.5)
        #expect(paris.values["precipitation"] == 0)
    }

    @Test func olderCurrentWeatherShapeWithUnits() throws {
        let result = try feed.normalise(try Fixtures.data("openmeteo/forecast_current_weather_darwin_2023-10-25.json"))
        let darwin = try #require(result.readings.first)
        #expect(result.readings.count == 1)
        #expect(darwin.key == "-12.5000,130.8750")  // not a configured place: keyed by coordinates
        // 20:45 ACST (utc_offset_seconds 34200) is 11:15 UTC.
        #expect(darwin.at == ISODate.utc("2023-10-25T11:15:00Z"))
        #expect(darwin.values == ["temperature": 29.0, "wind": 12.2, "windDirection": 90, "isDay": 0, "weatherCode": 1])
        #expect(darwin.geo == GeoPoint(lon: 130.875, lat: -12.5))
    }

    @Test func olderCurrentWeatherShapeWithoutUnitsOrInterval() throws {
        let result = try feed.normalise(try Fixtures.data("openmeteo/forecast_current_weather_darwin_2023-08-07_no_units.json"))
        let darwin = try #require(result.readings.first)
        #expect(darwin.at == ISODate.utc("2023-08-07T13:00:00Z"))
        #expect(darwin.values["windDirection"] == 219.0)
        #expect(darwin.values["temperature"] == 24.3)
    }

    @Test(arguments: ["openmeteo/forecast_paris_hourly_2023-08-05.json", "openmeteo/forecast_paris_hourly_2023-03-09.json",
                      "openmeteo/forecast_novosibirsk_hourly_2025-07-25.json", "openmeteo/air_quality_beijing_hourly_2023-10-25.json"])
    func hourlyOnlyResponsesAreRejectedWithAReason(path: String) throws {
        let result = try feed.normalise(try Fixtures.data(path))
        #expect(result.recordsSeen == 1)
        #expect(result.readings.isEmpty)
        #expect(result.rejected.count == 1)
        #expect(result.rejected.first?.reason.contains("no current or current_weather block") == true)
    }

    @Test func hourlyParisRejectionStillNamesThePlace() throws {
        let result = try feed.normalise(try Fixtures.data("openmeteo/forecast_paris_hourly_2023-08-05.json"))
        #expect(result.rejected.first?.key == "Paris")
    }

    @Test func everyRecordedFileIsCovered() throws {
        let covered: Set<String> = [
            "openmeteo/forecast_current_eight_cities_handwritten.json", "openmeteo/forecast_current_paris_handwritten.json",
            "openmeteo/forecast_current_weather_darwin_2023-10-25.json", "openmeteo/forecast_current_weather_darwin_2023-08-07_no_units.json",
            "openmeteo/forecast_paris_hourly_2023-08-05.json", "openmeteo/forecast_paris_hourly_2023-03-09.json",
            "openmeteo/forecast_novosibirsk_hourly_2025-07-25.json", "openmeteo/air_quality_beijing_hourly_2023-10-25.json",
        ]
        #expect(Set(try Fixtures.files(in: "openmeteo")) == covered)
    }

    @Test func badLocationsAreRejectedAndTheOthersKept() throws {
        let payload = #"""
        [{"latitude":48.86,"longitude":2.34,"utc_offset_seconds":0,"current":{"time":"2025-01-01T00:00","temperature_2m":"3.5"}},
         {"latitude":45.76,"longitude":4.84,"current":{"time":"2025-01-01T00:00","temperature_2m":3}},
         {"latitude":43.3,"longitude":5.37,"utc_offset_seconds":0,"current":{"time":"yesterday","temperature_2m":3}},
         {"latitude":50.62,"longitude":3.06,"utc_offset_seconds":0,"current":{"time":"2025-01-01T00:00","temperature_2m":"warm"}},
         {"latitude":43.6,"longitude":1.44,"utc_offset_seconds":0,"current":{"time":1735689600,"temperature_2m":null,"relative_humidity_2m":50}}]
        """#
        let result = try feed.normalise(Data(payload.utf8))
        #expect(result.recordsSeen == 5)
        #expect(result.readings.map(\.key) == ["Paris", "Toulouse"])
        #expect(result.readings[0].values["temperature"] == 3.5)
        #expect(result.readings[1].values == ["humidity": 50])  // null left out
        #expect(result.readings[1].at == ISODate.utc("2025-01-01T00:00:00Z"))  // unixtime format
        #expect(result.rejected.map(\.key) == ["Lyon", "Marseille", "Lille"])
        #expect(result.rejected[0].reason.contains("utc_offset_seconds is missing"))
        #expect(result.rejected[1].reason.contains("not ISO 8601"))
        #expect(result.rejected[2].reason.contains("temperature_2m is the string \"warm\""))
    }

    @Test func anAPIErrorObjectIsAPayloadError() {
        #expect {
            try feed.normalise(Data(#"{"error":true,"reason":"Latitude must be in range of -90 to 90°."}"#.utf8))
        } throws: { error in
            "\(error)" == "feed openmeteo: forecast payload has an unexpected shape: the API answered with an error: Latitude must be in range of -90 to 90°."
        }
    }

    @Test func oneRequestForAllPlaces() throws {
        let url = feed.primaryDocument.url(origin: try FeedOrigin(parsing: "http://127.0.0.1:9000"))
        #expect(url.hasPrefix("http://127.0.0.1:9000/v1/forecast?latitude=48.8566,45.764,43.2965,"))
        #expect(url.contains("&longitude=2.3522,4.8357,5.3698,"))
        #expect(url.contains("&current=temperature_2m,relative_humidity_2m,"))
        let custom = try OpenMeteoFeed(places: [OpenMeteoPlace(name: "Brest", latitude: 48.39, longitude: -4.49)])
        #expect(custom.primaryDocument.pathAndQuery.hasPrefix("/v1/forecast?latitude=48.39&longitude=-4.49&current="))
    }

    @Test func placesOfTheirOwnAreMatchedByCoordinates() throws {
        let custom = try OpenMeteoFeed(places: [OpenMeteoPlace(name: "Darwin", latitude: -12.46, longitude: 130.84)])
        let result = try custom.normalise(try Fixtures.data("openmeteo/forecast_current_weather_darwin_2023-10-25.json"))
        #expect(result.readings.map(\.key) == ["Darwin"])
    }

    @Test func invalidPlaceListsAreRefused() {
        #expect(throws: FeedConfigurationError(feed: "openmeteo", reason: "no places configured")) {
            try OpenMeteoFeed(places: [])
        }
        #expect(throws: FeedConfigurationError(feed: "openmeteo", reason: "place \"Paris\" is listed twice")) {
            try OpenMeteoFeed(places: [OpenMeteoPlace(name: "Paris", latitude: 48.8, longitude: 2.3),
                                       OpenMeteoPlace(name: "Paris", latitude: 48.9, longitude: 2.4)])
        }
        #expect {
            try OpenMeteoFeed(places: [OpenMeteoPlace(name: "Nowhere", latitude: 95, longitude: 0)])
        } throws: { error in
            "\(error)".contains("out of range")
        }
    }
}

/// Parses test expectations written as ISO 8601 UTC text.
enum ISODate {
    static func utc(_ text: String) -> Date? {
        ISOTimestamp(text)?.utcSeconds().map { Date(timeIntervalSince1970: $0) }
    }
}
