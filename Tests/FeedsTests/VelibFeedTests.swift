import Foundation
import Testing
@testable import Feeds

@Suite struct VelibFeedTests {
    let feed = VelibFeed()

    func normalise(status: String, information: String?) throws -> NormalisedPayload {
        var payloads = [VelibFeed.statusDocument: try Fixtures.data(status)]
        if let information { payloads[VelibFeed.informationDocument] = try Fixtures.data(information) }
        return try feed.normalise(payloads)
    }

    func network(_ result: NormalisedPayload) throws -> Reading {
        let readings = result.readings.filter { $0.key == VelibFeed.networkKey }
        #expect(readings.count == 1)
        return try #require(readings.first)
    }

    @Test func fullVelibFeedOf2025JoinedWithInformation() throws {
        let result = try normalise(status: "velib/velib_station_status_2025-10-18.json",
                                   information: "velib/velib_station_information_2025-10-18.json")
        #expect(result.recordsSeen == 1495)
        #expect(result.rejected.isEmpty, "\(result.rejected.prefix(3))")
        let stations = result.readings.filter { $0.key != VelibFeed.networkKey }
        #expect(stations.count == 1495)
        #expect(stations.allSatisfy { $0.tags["name"] != nil && $0.geo != nil })

        let first = try #require(stations.first)
        #expect(first.key == "213688169")
        #expect(epoch(first.at) == 1_760_776_294)
        #expect(first.values == ["bikes": 5, "mechanical": 1, "ebikes": 4, "docks": 30])
        #expect(first.tags == ["name": "Benjamin Godard - Victor Hugo", "code": "16107"])
        #expect(first.geo == GeoPoint(lon: 2.275725, lat: 48.865983))

        let network = try network(result)
        #expect(epoch(network.at) == 1_760_778_556)  // lastUpdatedOther, in seconds
        #expect(network.values == ["bikes": 18067, "mechanical": 11052, "ebikes": 7015, "docks": 27893,
                                   "stationsInService": 1462, "stations": 1495])
    }

    @Test func stationIdsAbove2To31SurviveExactly() throws {
        let result = try normalise(status: "velib/velib_station_status_2025-10-18.json",
                                   information: "velib/velib_station_information_2025-10-18.json")
        let large = result.readings.filter { $0.key != VelibFeed.networkKey && Int64($0.key)! > Int64(Int32.max) }
        #expect(large.count == 218)
        let biggest = try #require(result.readings.first { $0.key == "20702946965" })
        #expect(biggest.tags["name"] == "Quai de Seine - Pont de l'île-Saint-Denis")
        #expect(biggest.tags["code"] == "34501")
        #expect(biggest.values == ["bikes": 0, "mechanical": 0, "ebikes": 0, "docks": 0])
    }

    @Test func staleStationsAreKeptWithTheirOwnTime() throws {
        let result = try normalise(status: "velib/velib_station_status_2025-10-18.json", information: nil)
        let dayBefore = 1_760_778_556.0 - 86_400
        let stale = result.readings.filter { epoch($0.at) < dayBefore }
        #expect(stale.count == 33)
        #expect(stale.contains { epoch($0.at) < 1_521_244_800 })  // last_reported back in March 2018
    }

    @Test func velib2022FeedFromTheOlderHost() throws {
        let result = try normalise(status: "velib/velib_station_status_2022-02-23.json",
                                   information: "velib/velib_station_information_2022-02-25.json")
        #expect(result.recordsSeen == 1439)
        #expect(result.rejected.isEmpty)
        #expect(result.readings.count == 1440)
        #expect(result.readings.filter { $0.key != VelibFeed.networkKey }.allSatisfy { $0.tags["name"] != nil })
        #expect(try network(result).values == ["bikes": 13960, "mechanical": 9326, "ebikes": 4634, "docks": 29102,
                                               "stationsInService": 1415, "stations": 1439])
        #expect(result.readings.contains { $0.key == "15189890802" })
    }

    @Test func withoutInformationStationsHaveNoNameOrPosition() throws {
        let result = try feed.normalise(status: try Fixtures.data("velib/velib_station_status_2022-02-23.json"),
                                        information: nil as Data?)
        let station = try #require(result.readings.first)
        #expect(station.tags == ["code": "16107"])
        #expect(station.geo == nil)
        #expect(station.values["bikes"] == 1)
    }

    @Test func bixiStringIdsAndEbikeCountJoinWithInformation() throws {
        let result = try normalise(status: "velib/gbfs_bixi_montreal_station_status_2025-05-18.json",
                                   information: "velib/gbfs_bixi_montreal_station_information_2025-05-17.json")
        #expect(result.recordsSeen == 957)
        #expect(result.rejected.isEmpty)
        let first = try #require(result.readings.first)
        #expect(first.key == "1")
        #expect(first.values == ["bikes": 3, "ebikes": 1, "mechanical": 2, "docks": 15])
        #expect(first.tags == ["name": "Drummond / de Maisonneuve", "code": "6001"])
        #expect(try network(result).values == ["bikes": 9350, "mechanical": 7201, "ebikes": 2149, "docks": 11442,
                                               "stationsInService": 953, "stations": 957])
        #expect(epoch(try network(result).at) == 1_747_598_329)  // standard last_updated wrapper
    }

    @Test func bicingBikeTypesAsASingleObject() throws {
        let result = try normalise(status: "velib/gbfs_bicing_barcelona_station_status_2022-05-06.json", information: nil)
        #expect(result.recordsSeen == 508)
        #expect(result.rejected.isEmpty)
        let first = try #require(result.readings.first)
        #expect(first.key == "1")
        #expect(first.values == ["bikes": 11, "mechanical": 6, "ebikes": 5, "docks": 30])
        #expect(try network(result).values["ebikes"] == 1464)
    }

    @Test func citiBikeBogusEpochIsRejectedAndTheRestKept() throws {
        let result = try normalise(status: "velib/gbfs_citibike_nyc_station_status_2019-07-05.json", information: nil)
        #expect(result.recordsSeen == 845)
        #expect(result.rejected.count == 15)
        #expect(result.rejected.allSatisfy { $0.reason.contains("last_reported 18001") })
        #expect(result.rejected.first?.key == "267")
        #expect(result.readings.count == 830 + 1)
        #expect(try network(result).values == ["bikes": 11411, "mechanical": 11411, "ebikes": 0, "docks": 14072,
                                               "stationsInService": 826, "stations": 845])
    }

    @Test func driftInOneStationRejectsOnlyThatStation() throws {
        let status = #"""
        {"last_updated":1700000000,"ttl":60,"data":{"stations":[
          {"station_id":1,"num_bikes_available":"4","num_docks_available":6,"last_reported":1699999990},
          {"station_id":2,"num_docks_available":6,"last_reported":1699999990},
          {"station_id":3,"num_bikes_available":-1,"num_docks_available":6,"last_reported":1699999990},
          {"station_id":4,"num_bikes_available":2,"num_docks_available":6,"last_reported":1699999990,"num_bikes_available_types":"two"},
          {"stationId":5,"num_bikes_available":2,"num_docks_available":6,"last_reported":1699999990},
          {"station_id":6,"num_bikes_available":2,"num_docks_available":6,"last_reported":"1699999990","is_renting":false},
          {"station_id":1,"num_bikes_available":4,"num_docks_available":6,"last_reported":1699999990}
        ]}}
        """#
        let result = try feed.normalise(status: Data(status.utf8), information: nil as Data?)
        #expect(result.recordsSeen == 7)
        #expect(result.readings.map(\.key) == ["1", "6", "_network"])
        #expect(result.readings[0].values == ["bikes": 4, "docks": 6])
        #expect(result.rejected.map(\.index) == [1, 2, 3, 4, 6])
        #expect(result.rejected[0].reason == "missing num_bikes_available")
        #expect(result.rejected[1].reason.contains("negative"))
        #expect(result.rejected[2].reason.contains("num_bikes_available_types is a string"))
        #expect(result.rejected[3].reason == "missing station_id")  // renamed field
        #expect(result.rejected[4].reason.contains("duplicate of record 0"))
        #expect(result.readings[2].values == ["bikes": 6, "docks": 12, "stationsInService": 1, "stations": 7])
    }

    @Test func anEmptyStationListGivesNoReadingsAtAll() throws {
        let result = try feed.normalise(status: Data(#"{"last_updated":1700000000,"data":{"stations":[]}}"#.utf8),
                                        information: nil as Data?)
        #expect(result == NormalisedPayload())
    }

    @Test func missingStatusOrBrokenInformationIsAPayloadError() throws {
        #expect(throws: FeedPayloadError.missingDocument(feed: "velib", document: "station_status")) {
            try feed.normalise([VelibFeed.informationDocument: Data("{}".utf8)])
        }
        #expect(throws: FeedPayloadError.unexpectedShape(feed: "velib", document: "station_information",
                                                          detail: "no \"data\" object")) {
            try feed.normalise(status: try Fixtures.data("velib/velib_station_status_2022-02-23.json"),
                               information: Data(#"{"stations":[]}"#.utf8))
        }
    }

    @Test func twoDocumentsOnTheRealPathsInformationRefreshedDaily() throws {
        #expect(feed.documents.map(\.name) == ["station_status", "station_information"])
        #expect(feed.documents[0].refreshSeconds == nil)
        #expect(feed.documents[1].refreshSeconds == 86_400)
        let origin = try FeedOrigin(parsing: "http://127.0.0.1:7000")
        #expect(feed.documents[1].url(origin: origin) == "http://127.0.0.1:7000/opendata/Velib_Metropole/station_information.json")
        let information = try feed.parseInformation(try Fixtures.data("velib/velib_station_information_2025-10-18.json"))
        #expect(information.stations.count == 1495)
        #expect(information.skipped == 0)
        #expect(information.stations["20702946965"]?.capacity == 0)
        #expect(information.lastUpdated.map(epoch) == 1_760_778_679)
    }
}
