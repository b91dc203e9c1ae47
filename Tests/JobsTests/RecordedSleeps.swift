import Feeds
import Foundation
import Jobs

/// An HTTP client for tests: no real waiting between retries, the waits recorded instead.
final class RecordedSleeps: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var delays: [Double] = []

    var all: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return delays
    }

    func client(_ settings: JobSettings, log: JobLog) -> HTTPClient {
        var client = FetchRunner.httpClient(settings: settings, log: log)
        client.sleep = { [self] seconds in lock.lock(); delays.append(seconds); lock.unlock() }
        return client
    }
}
