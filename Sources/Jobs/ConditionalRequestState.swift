import Foundation

/// The `ETag` / `Last-Modified` of the last payload of each feed document that was fully ingested, kept in
/// `HOME/state/http-FEED.json`, so the next request is conditional and an unchanged payload costs a 304.
/// Saved only after a successful run: a payload lost to a failure must be downloaded again, not skipped; and
/// tied to the database it was stored in, so switching MONGODB_URI or VIGIE_DB downloads everything again.
struct ConditionalRequestState {
    struct Validators: Equatable {
        var etag: String?
        var lastModified: String?
    }

    let path: String
    let databaseIdentity: String
    private static let databaseKey = "_database"

    init(home: String, feed: String, settings: JobSettings) {
        path = "\(home)/state/http-\(feed).json"
        databaseIdentity = "\(settings.mongoURI) \(settings.databaseName)"
    }

    func load() -> [String: Validators] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: String]],
              object[Self.databaseKey]?["identity"] == databaseIdentity else { return [:] }
        return object.filter { $0.key != Self.databaseKey }
            .mapValues { Validators(etag: $0["etag"], lastModified: $0["lastModified"]) }
    }

    func save(_ validators: [String: Validators]) throws(JobFailure) {
        var object: [String: [String: String]] = [Self.databaseKey: ["identity": databaseIdentity]]
        for (document, value) in validators {
            var entry: [String: String] = [:]
            entry["etag"] = value.etag
            entry["lastModified"] = value.lastModified
            if !entry.isEmpty { object[document] = entry }
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try RawArchive.writeAtomically(data, to: path, feed: "state")
        } catch let failure as JobFailure {
            throw failure
        } catch {
            throw JobFailure(.other, "cannot save \(path): \(error.localizedDescription)")
        }
    }
}
