import Foundation

/// Copies of slowly changing feed documents (Vélib' station information), `HOME/cache/FEED/NAME.json`,
/// reused until they are `refreshSeconds` old.
struct DocumentCache {
    let directory: String

    init(home: String, feed: String) {
        directory = "\(home)/cache/\(feed)"
    }

    func path(_ document: String) -> String { "\(directory)/\(document).json" }

    /// The cached payload and its age in seconds, if there is one.
    func load(_ document: String, now: Date) -> (data: Data, age: TimeInterval)? {
        let path = path(document)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let modified = attributes[.modificationDate] as? Date,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return (data, now.timeIntervalSince(modified))
    }

    func store(_ document: String, data: Data) throws(JobFailure) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JobFailure(.other, "cannot create \(directory): \(error.localizedDescription)")
        }
        try RawArchive.writeAtomically(data, to: path(document), feed: (directory as NSString).lastPathComponent)
    }

    /// Marks a copy as fresh again (a 304 confirmed it is current).
    func touch(_ document: String, now: Date) {
        try? FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: path(document))
    }
}
