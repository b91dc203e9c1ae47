import Foundation

/// Demo mode (`vigie fetch FEED --demo`, `vigie up --demo`): instead of calling the API, each run takes the
/// next recorded payload of the feed from the project's fixtures, cycling, so the dashboard moves offline.
public enum DemoPayloads {
    /// Per feed, the payload sets replayed in turn (document name -> file under the fixtures directory).
    static let sets: [String: [[String: String]]] = [
        "usgs": [
            ["summary": "usgs/all_hour_2024-07-27.geojson"],
            ["summary": "usgs/all_day_2022-09-29.geojson"],
            ["summary": "usgs/all_hour_2022-10-01.geojson"],
        ],
        "openmeteo": [
            ["forecast": "openmeteo/forecast_current_eight_cities_handwritten.json"],
            ["forecast": "openmeteo/forecast_current_paris_handwritten.json"],
        ],
        "velib": [
            ["station_status": "velib/velib_station_status_2025-10-18.json",
             "station_information": "velib/velib_station_information_2025-10-18.json"],
            ["station_status": "velib/velib_station_status_2022-02-23.json",
             "station_information": "velib/velib_station_information_2022-02-25.json"],
        ],
        "eco2mix": [
            ["records": "eco2mix/eco2mix_national_tr_results_2025-08-22.json"],
            ["records": "eco2mix/eco2mix_national_tr_results_2025-01-01_to_06.json"],
        ],
    ]

    /// The payloads of this run and the file of the primary document; advances the feed's cursor.
    static func next(feed: String, primary: String, settings: JobSettings) throws(JobFailure) -> (payloads: [String: Data], file: String) {
        guard let choices = sets[feed], !choices.isEmpty else {
            throw JobFailure(.usage, "feed \(feed): no recorded payloads for demo mode")
        }
        guard let directory = fixturesDirectory(settings: settings) else {
            throw JobFailure(.other, "feed \(feed): demo mode needs the recorded payloads (Tests/Fixtures of the project); "
                + "run from the project directory or set VIGIE_FIXTURES")
        }
        let cursorPath = settings.path("state/demo-\(feed)")
        let current = (try? String(contentsOfFile: cursorPath, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        let choice = choices[((current % choices.count) + choices.count) % choices.count]
        var payloads: [String: Data] = [:]
        for (document, file) in choice {
            let path = "\(directory)/\(file)"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JobFailure(.other, "feed \(feed): demo payload \(path) is missing")
            }
            payloads[document] = data
        }
        try? FileManager.default.createDirectory(atPath: settings.path("state"), withIntermediateDirectories: true)
        try? RawArchive.writeAtomically(Data("\(current + 1)\n".utf8), to: cursorPath, feed: feed)
        return (payloads, "\(directory)/\(choice[primary] ?? "")")
    }

    /// VIGIE_FIXTURES, else `Tests/Fixtures` in the working directory or above the executable.
    public static func fixturesDirectory(settings: JobSettings) -> String? {
        if let explicit = settings.fixturesDirectory { return explicit }
        var candidates = [FileManager.default.currentDirectoryPath]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var directory = (executable as NSString).deletingLastPathComponent
            while directory != "/" && !directory.isEmpty {
                candidates.append(directory)
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        for candidate in candidates {
            let path = "\(candidate)/Tests/Fixtures"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return path }
        }
        return nil
    }
}
