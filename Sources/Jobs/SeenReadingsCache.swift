import BSON
import Feeds
import Foundation

/// What the last successful fetch of a feed stored, `HOME/state/seen-FEED.tsv`: per key and time, a
/// fingerprint of the revisable fields. A reading identical to the one already stored is not sent again
/// (Vélib' stations whose `last_reported` did not change, USGS events not revised), which spares the database
/// most of a minute's upserts. Once an hour (or when the database changes) every reading is sent, so a
/// reading deleted behind the cache's back comes back within the hour.
struct SeenReadingsCache {
    /// Full upsert of every reading at least this often.
    static let reconcileSeconds = 3600.0
    static let header = "vigie-seen-v1"

    let path: String
    /// `MONGODB_URI` and database: a cache of another database says nothing about this one.
    let databaseIdentity: String

    init(home: String, feed: String, settings: JobSettings) {
        path = "\(home)/state/seen-\(feed).tsv"
        databaseIdentity = "\(settings.mongoURI) \(settings.databaseName)"
    }

    /// Fingerprints by "key TAB at-milliseconds", and when every reading was last sent; nil when missing,
    /// older than the reconcile period, or of another database.
    func load(now: Date) -> (entries: [String: UInt64], reconciledAt: Date)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        let head = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false)
        guard head.count == 3, head[0] == Self.header, String(head[1]) == databaseIdentity,
              let reconciled = Int64(head[2]) else { return nil }
        let reconciledAt = ISOText.date(milliseconds: reconciled)
        guard now.timeIntervalSince(reconciledAt) < Self.reconcileSeconds, now >= reconciledAt else { return nil }
        var entries: [String: UInt64] = [:]
        for line in lines {
            guard let tab = line.lastIndex(of: "\t"), let fingerprint = UInt64(line[line.index(after: tab)...], radix: 16) else { continue }
            entries[String(line[..<tab])] = fingerprint
        }
        return (entries, reconciledAt)
    }

    func save(_ readings: [Reading], reconciledAt: Date) throws(JobFailure) {
        var text = "\(Self.header)\t\(databaseIdentity)\t\(ISOText.milliseconds(reconciledAt))\n"
        for reading in readings where !reading.key.contains("\t") && !reading.key.contains("\n") {
            text += "\(Self.identity(reading))\t\(String(Self.fingerprint(reading), radix: 16))\n"
        }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try RawArchive.writeAtomically(Data(text.utf8), to: path, feed: "state")
    }

    /// True when this exact reading was stored by the last run.
    static func isStored(_ reading: Reading, in entries: [String: UInt64]) -> Bool {
        entries[identity(reading)] == fingerprint(reading)
    }

    static func identity(_ reading: Reading) -> String {
        "\(reading.key)\t\(ISOText.milliseconds(reading.at))"
    }

    /// FNV-1a over the BSON of the fields an upsert `$set`s: stable across processes, unlike `Hasher`.
    static func fingerprint(_ reading: Reading) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ReadingDocument.revisable(reading).bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
