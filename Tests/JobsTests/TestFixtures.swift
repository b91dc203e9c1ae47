import Foundation

/// The recorded payloads of Tests/Fixtures, found relative to this source file.
enum TestFixtures {
    static let projectDirectory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let directory = projectDirectory + "/Tests/Fixtures"

    static func path(_ relative: String) -> String { directory + "/" + relative }

    static func data(_ relative: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(relative)) else {
            throw FixtureServerError("fixture \(relative) is missing from \(directory)")
        }
        return data
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String = "jobs") throws -> String {
        let path = NSTemporaryDirectory() + "vigie-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// JSON text of a USGS FeatureCollection built from `(id, timeMs, updatedMs, mag)` features.
    static func usgsPayload(_ features: [(id: String, time: Int64, updated: Int64, mag: Double)]) -> Data {
        let items = features.map { f in
            """
            {"type":"Feature","properties":{"mag":\(f.mag),"place":"10 km N of Testville","time":\(f.time),"updated":\(f.updated),\
            "tz":null,"url":"https://earthquake.usgs.gov/earthquakes/eventpage/\(f.id)","felt":null,"alert":null,"status":"automatic",\
            "tsunami":0,"sig":\(Int(f.mag * 20)),"net":"us","magType":"mb","type":"earthquake","title":"M \(f.mag) - Testville"},\
            "geometry":{"type":"Point","coordinates":[2.35,48.85,10.0]},"id":"\(f.id)"}
            """
        }
        return Data(("{\"type\":\"FeatureCollection\",\"metadata\":{\"count\":\(features.count)},\"features\":[" + items.joined(separator: ",") + "]}").utf8)
    }
}
