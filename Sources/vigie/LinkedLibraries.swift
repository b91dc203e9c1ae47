import EmbeddedMongo
import Feeds

/// Versions of the C libraries linked through the other modules, each reported by the module that owns it.
enum LinkedLibraries {
    static var versions: [(name: String, version: String)] {
        [
            ("libcurl", LibCurl.version),
            ("sqlite", SQLiteLibrary.version),
        ]
    }
}
