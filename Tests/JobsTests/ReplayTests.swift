import BSON
import Foundation
import Mongo
import Testing
@testable import Jobs

@Suite(.serialized) struct ReplayTests {
    @Test func velibStatusIsJoinedWithTheInformationFileBesideIt() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        let lines = LineCollector()
        let files = ["velib/velib_station_status_2022-02-23.json", "velib/velib_station_information_2022-02-25.json",
                     "velib/velib_station_status_2025-10-18.json"].map(TestFixtures.path)
        let outcome = Replayer(settings: settings, log: JobLog(sink: lines.append)).run(feed: "velib", files: files)
        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
        #expect(outcome.files == 2)
        #expect(outcome.skippedCompanions == 1)
        let companions = lines.all.filter { $0.hasPrefix("event=replay_companion") }
        #expect(companions.count == 2)
        #expect(companions[0].contains("velib_station_information_2022-02-25.json"))
        #expect(companions[1].contains("velib_station_information_2025-10-18.json"))
        // Progress: one line per file, then the totals.
        #expect(lines.all.filter { $0.hasPrefix("event=replay_file") }.map { $0.contains("progress=1/2") || $0.contains("progress=2/2") } == [true, true])
        #expect(lines.all.last?.hasPrefix("event=replay feed=velib ok=true files=2") == true)
        let store = try TestStore.store(settings)
        #expect(try store.readings.countDocuments(["feed": "velib", "key": "_network"]) == 2)
        #expect(try store.readings.countDocuments(["feed": "velib", "tags.name": ["$exists": true]]) > 2800)
    }

    @Test func aBadFileFailsAloneAndTheOthersAreIngested() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        let broken = settings.home + "/broken.json"
        try FileManager.default.createDirectory(atPath: settings.home, withIntermediateDirectories: true)
        try Data("{\"features\": [".utf8).write(to: URL(fileURLWithPath: broken))
        let outcome = Replayer(settings: settings, log: JobLog(sink: { _ in })).run(
            feed: "usgs", files: [broken, TestFixtures.path("usgs/all_hour_2024-07-27.geojson"), settings.home + "/missing.json"])
        #expect(outcome.files == 3)
        #expect(outcome.failedFiles == 2)
        #expect(outcome.exitCode == 4)
        #expect(outcome.failure?.message.contains("broken.json") == true)
        #expect(outcome.totals.inserted == 4)
    }
}

@Suite struct RawArchiveTests {
    @Test func namesAreUTCStampsAndWritesAreAtomic() throws {
        let directory = try TestFixtures.temporaryDirectory("raw")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let archive = RawArchive(root: directory)
        let at = RecordedDay.utc("2025-10-18T09:09:16Z")
        #expect(RawArchive.stamp(at) == ("2025-10-18", "090916Z"))
        let first = try archive.store(feed: "velib", at: at, primary: "station_status",
                                      payloads: ["station_status": Data("a".utf8), "station_information": Data("b".utf8)])
        #expect(first["station_status"] == directory + "/velib/2025-10-18/090916Z.json")
        #expect(first["station_information"] == directory + "/velib/2025-10-18/090916Z.station_information.json")
        // A second run in the same second gets its own name; nothing is overwritten.
        let second = try archive.store(feed: "velib", at: at, primary: "station_status", payloads: ["station_status": Data("c".utf8)])
        #expect(second["station_status"] == directory + "/velib/2025-10-18/090916Z-1.json")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/velib/2025-10-18").sorted()
        #expect(files == ["090916Z-1.json", "090916Z.json", "090916Z.station_information.json"])
        #expect(FileManager.default.contents(atPath: first["station_status"]!) == Data("a".utf8))
        #expect(RawArchive.date(ofRawFile: second["station_status"]!) == at)
        #expect(RawArchive.date(ofRawFile: first["station_information"]!) == at)
        #expect(RawArchive.date(ofRawFile: "/x/notes.json") == nil)
        #expect(Replayer.companion(of: second["station_status"]!, document: "station_information") == first["station_information"])
    }
}
