import Foundation
import Testing

/// Reads recorded payloads from Tests/Fixtures, located from this source file (no dependency on the cwd).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ relativePath: String) throws -> Data {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return try Data(contentsOf: url)
    }

    /// Every fixture file of one feed folder, sorted.
    static func files(in folder: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
        return names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".geojson") }.sorted().map { "\(folder)/\($0)" }
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture not found: \(path)" }
    }
}

/// Seconds since 1970 of a reading's time, for compact comparisons.
func epoch(_ date: Date) -> Double { date.timeIntervalSince1970 }
