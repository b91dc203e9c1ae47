#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Mongo
import Testing

/// `vigie up --demo` as a user starts it (against a given database, so the test never needs port 27117).
@Suite(.serialized)
struct UpCommandTests {
    @Test func upDemoServesTheDashboardAndFillsAnEmptyDatabase() throws {
        let store = try InProcessStore()
        defer { store.stop() }
        let home = try TemporaryDirectory("up-home")
        defer { home.remove() }
        let up = try VigieProcess(["up", "--demo", "--listen", "127.0.0.1:0"],
                                  environment: ["MONGODB_URI": store.uri, "VIGIE_HOME": home.path, "VIGIE_DB": "vigie", "VIGIE_TOKEN": ""])
        defer { up.stop() }
        #expect(up.announcedURL.hasPrefix("http://127.0.0.1:"))
        let page = try TestHTTP.get(port: up.port, "/")
        #expect(page.status == 200)
        #expect(page.text.contains("<html") || page.text.contains("<!doctype") || page.text.contains("<!DOCTYPE"))
        let filled = waitUntil(60) {
            guard let feeds = try? TestHTTP.get(port: up.port, "/api/feeds").json()["feeds"] as? [[String: Any]] else { return false }
            return feeds.count == 4 && feeds.allSatisfy { ($0["lastFetch"] as? [String: Any])?["ok"] as? Bool == true }
        }
        #expect(filled, "one demo fetch per feed on first start")
        let readings = try TestHTTP.get(port: up.port, "/api/readings?feed=velib&key=_network").json()["readings"] as? [Any]
        #expect(readings?.isEmpty == false)
        #expect(up.stop() == 0, "a clean stop on SIGTERM")
    }
}
