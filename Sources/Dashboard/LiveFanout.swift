import Foundation
import Net
import WebSocket

/// Turns database changes into numbered broadcasts to the viewers of each feed, keeps the recent ones,
/// and brings reconnecting viewers up to date (DESIGN.md §6).
///
/// Ordering: `publish` (watcher thread) and `subscribe` (the viewer's loop) both run under `lock`, and
/// `Hub.broadcast` only queues work on the loops. A subscriber therefore either is a Hub member before a
/// broadcast is queued (and gets it live), or finds it in the history (and gets it replayed, while the
/// Hub skips it through `subscribe(after:)`): never both, never neither.
public final class LiveFanout: @unchecked Sendable {
    // @unchecked Sendable: `hub`, `epoch`, `server`, `feeds` and `metrics` are immutable or thread-safe;
    // every other stored property is guarded by `lock`.
    public let hub: Hub
    /// A random id of this process: offsets are only comparable within one epoch.
    public let epoch: String
    public let server: String
    public let feeds: [String]
    public let metrics: DashboardMetrics
    private let knownFeeds: Set<String>
    private let lock = NSLock()
    private var latestOffset: UInt64 = 0
    private var history: BroadcastHistory
    private var databaseUp = false
    /// Subscribed viewers by connection id, with their topics ("*" alone when subscribed to all).
    private var viewers: [UInt64: Set<String>] = [:]
    private var topicCounts: [String: Int] = [:]
    /// The latest offset when each connection was greeted, until its first subscribe.
    private var greetedAt: [UInt64: UInt64] = [:]

    public init(hub: Hub = Hub(), server: String, feeds: [String], historyEntries: Int = 10_000,
                historyBytes: Int = 64 << 20, metrics: DashboardMetrics = DashboardMetrics()) {
        self.hub = hub
        self.server = server
        self.feeds = feeds
        self.metrics = metrics
        knownFeeds = Set(feeds)
        history = BroadcastHistory(maxEntries: historyEntries, maxBytes: historyBytes)
        epoch = Self.randomEpoch()
    }

    static func randomEpoch() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: watcher side (any thread)

    /// Broadcasts a change to the viewers of its feed with the next offset; ignored changes are dropped.
    public func publish(_ change: DatabaseChange) {
        lock.lock()
        defer { lock.unlock() }
        let offset = latestOffset + 1
        let text: String
        let topic: String
        switch change {
        case .reading(let reading):
            text = ViewerMessage.reading(reading, offset: offset)
            topic = reading.feed ?? Hub.allTopics
        case .fetch(let run):
            text = ViewerMessage.fetch(run, offset: offset)
            topic = run.feed
        case .ignored:
            return
        }
        latestOffset = offset
        let frame = WebSocketFrameEncoder.text(text)
        history.append(.init(offset: offset, topic: topic, frame: frame))
        metrics.recordBroadcast(recipients: recipientCount(topic: topic), bytes: frame.count)
        hub.broadcast(frame: frame, topic: topic, sequence: offset)
    }

    /// The resume point is gone: what was missed cannot be replayed, so every viewer reloads.
    public func resetAll() {
        lock.lock()
        defer { lock.unlock() }
        history.removeAll()
        let frame = WebSocketFrameEncoder.text(ViewerMessage.reset)
        metrics.recordBroadcast(recipients: viewers.count, bytes: frame.count)
        hub.broadcast(frame: frame, topic: Hub.allTopics)
    }

    /// Records whether the database is reachable and tells every viewer when that changes.
    public func setDatabase(up: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard up != databaseUp else { return }
        databaseUp = up
        let frame = WebSocketFrameEncoder.text(ViewerMessage.status(databaseUp: up))
        metrics.recordBroadcast(recipients: viewers.count, bytes: frame.count)
        hub.broadcast(frame: frame, topic: Hub.allTopics)
    }

    public var isDatabaseUp: Bool { lock.withLock { databaseUp } }

    /// (viewers, history entries, latest offset), sampled together for metrics.
    public var snapshot: (viewers: Int, historyEntries: Int, latestOffset: UInt64) {
        lock.withLock { (viewers.count, history.count, latestOffset) }
    }

    // MARK: viewer side (the connection's loop)

    /// Greets a new connection with `hello`, remembering the offset at that moment: a first subscribe
    /// without `since` then gets what was broadcast between the two, so nothing falls in that gap.
    public func viewerOpened(_ connection: WebSocketConnection) {
        lock.withLock { greetedAt[connection.id] = latestOffset }
        send(ViewerMessage.hello(server: server, epoch: epoch, feeds: feeds), to: connection)
    }

    /// Handles a message from a viewer: a valid subscribe (re)subscribes it; anything else gets an error message.
    public func viewerSent(_ connection: WebSocketConnection, text: String) {
        do {
            let request = try SubscribeRequest(text: text, knownFeeds: knownFeeds)
            subscribe(connection, request)
        } catch {
            send(ViewerMessage.error(error.message), to: connection)
        }
    }

    /// Forgets a closed connection (the Hub forgets it on its own).
    public func viewerClosed(_ connection: WebSocketConnection) {
        lock.withLock {
            removeViewer(connection.id)
            greetedAt[connection.id] = nil
        }
    }

    /// Replays what the viewer missed (or sends `reset`), then subscribes it from the latest offset on.
    func subscribe(_ connection: WebSocketConnection, _ request: SubscribeRequest) {
        lock.lock()
        defer { lock.unlock() }
        if viewers[connection.id] != nil {
            hub.unsubscribe(connection)
            removeViewer(connection.id)
        }
        let greeted = greetedAt.removeValue(forKey: connection.id)
        if let since = request.since ?? greeted.map({ SubscribeRequest.Position(epoch: epoch, offset: $0) }) {
            let missed = since.epoch == epoch ? history.entries(after: since.offset, latest: latestOffset) : nil
            if let missed {
                for entry in missed where Self.wants(request.feeds, entry.topic) {
                    connection.send(frame: entry.frame)
                    metrics.recordDirect(bytes: entry.frame.count, replayed: true)
                }
            } else {
                let frame = WebSocketFrameEncoder.text(ViewerMessage.reset)
                connection.send(frame: frame)
                metrics.recordDirect(bytes: frame.count, reset: true)
            }
        }
        hub.subscribe(connection, to: Array(request.feeds), after: latestOffset)
        viewers[connection.id] = request.feeds
        for topic in request.feeds { topicCounts[topic, default: 0] += 1 }
        let status = WebSocketFrameEncoder.text(ViewerMessage.status(databaseUp: databaseUp))
        connection.send(frame: status)
        metrics.recordDirect(bytes: status.count)
    }

    private func send(_ text: String, to connection: WebSocketConnection) {
        let frame = WebSocketFrameEncoder.text(text)
        connection.send(frame: frame)
        metrics.recordDirect(bytes: frame.count)
    }

    private func removeViewer(_ id: UInt64) {
        guard let topics = viewers.removeValue(forKey: id) else { return }
        for topic in topics { topicCounts[topic, default: 1] -= 1 }
    }

    private func recipientCount(topic: String) -> Int {
        topic == Hub.allTopics ? viewers.count : (topicCounts[Hub.allTopics] ?? 0) + (topicCounts[topic] ?? 0)
    }

    static func wants(_ feeds: Set<String>, _ topic: String) -> Bool {
        topic == Hub.allTopics || feeds.contains(Hub.allTopics) || feeds.contains(topic)
    }
}
