import BSON
import Foundation
import Jobs
import Mongo

/// Real API paths the fixture server answers on.
enum APIPath {
    static let usgs = "/earthquakes/feed/v1.0/summary/all_hour.geojson"
    static let velibStatus = "/opendata/Velib_Metropole/station_status.json"
    static let velibInformation = "/opendata/Velib_Metropole/station_information.json"
    static let eco2mix = "/api/explore/v2.1/catalog/datasets/eco2mix-national-tr/records"
    static let openmeteo = "/v1/forecast"
}

/// One test's world: settings (own database and home), a fixture server, a runner with recorded sleeps.
struct FetchHarness {
    let settings: JobSettings
    let server: FixtureHTTPServer
    let sleeps = RecordedSleeps()
    let lines = LineCollector()

    init(_ label: String = #function, configure: (inout JobSettings) -> Void = { _ in }) throws {
        var settings = try TestStore.settings(label)
        configure(&settings)
        self.settings = settings
        server = try FixtureHTTPServer()
    }

    var log: JobLog { JobLog(sink: lines.append) }

    func runner(settings override: JobSettings? = nil) -> FetchRunner {
        let settings = override ?? self.settings
        return FetchRunner(settings: settings, http: sleeps.client(settings, log: log), log: log)
    }

    func fetch(_ feed: String) -> FetchOutcome {
        runner().run(feed: feed, origin: server.origin)
    }

    func store() throws -> ReadingStore { try TestStore.store(settings) }

    func readings(_ feed: String) throws -> [Document] {
        try store().readings.find(["feed": .string(feed)], options: FindOptions(sort: ["key": 1, "at": 1])).toArray()
    }

    func fetches(_ feed: String) throws -> [Document] {
        try store().fetches.find(["feed": .string(feed)], options: FindOptions(sort: ["startedAt": 1])).toArray()
    }

    /// Every file under HOME/raw/FEED.
    func rawFiles(_ feed: String) -> [String] {
        let root = settings.home + "/raw/" + feed
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.map { root + "/" + $0 }.sorted()
    }

    func cleanUp() {
        server.stop()
        TestStore.cleanUp(settings)
    }
}
