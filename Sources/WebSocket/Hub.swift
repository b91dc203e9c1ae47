import Foundation
import Net

/// Fan-out of messages to WebSocket connections by topic (feed name; "*" subscribes to all).
///
/// A broadcast is encoded once; the same immutable bytes are handed to each loop, which writes
/// them to its own subscribers. Each connection's send queue is bounded: a viewer that falls
/// behind is closed with 1013 and never slows the others. Every method may be called from any thread.
public final class Hub: @unchecked Sendable {
    // @unchecked Sendable: `shards` and counters are guarded by `lock`; each shard's contents are
    // touched only on its own loop.
    public static let allTopics = "*"

    private let lock = NSLock()
    private var shards: [ObjectIdentifier: HubShard] = [:]
    private var serial: UInt64 = 0
    private var subscribed = 0

    public init() {}

    /// Number of connections currently subscribed to at least one topic.
    public var subscriberCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return subscribed
    }

    /// Adds `topics` to the connection's subscriptions. When `sequence` is given, later broadcasts
    /// stamped with a sequence at or below it are skipped for this connection (it already has them,
    /// e.g. from a history replay sent just before).
    public func subscribe(_ connection: WebSocketConnection, to topics: [String], after sequence: UInt64? = nil) {
        onLoop(of: connection) { [self] in
            guard connection.isOpen else { return }
            let shard = shard(for: connection.loop)
            if connection.hubTopics.isEmpty && !topics.isEmpty { adjustCount(+1) }
            connection.hub = self
            if let sequence { connection.hubSkipThrough = sequence }
            for topic in topics where !connection.hubTopics.contains(topic) {
                connection.hubTopics.insert(topic)
                shard.members[topic, default: [:]][connection.id] = connection
            }
        }
    }

    /// Removes `topics` (nil: all) from the connection's subscriptions.
    public func unsubscribe(_ connection: WebSocketConnection, from topics: [String]? = nil) {
        onLoop(of: connection) { [self] in
            let shard = shard(for: connection.loop)
            let removing = topics.map(Set.init) ?? connection.hubTopics
            let wasSubscribed = !connection.hubTopics.isEmpty
            for topic in removing where connection.hubTopics.contains(topic) {
                connection.hubTopics.remove(topic)
                shard.members[topic]?[connection.id] = nil
            }
            if wasSubscribed && connection.hubTopics.isEmpty { adjustCount(-1) }
        }
    }

    /// Sends `text` to every subscriber of `topic` and of "*" (topic "*": to every subscriber).
    /// `sequence` stamps the broadcast for `subscribe(after:)`.
    public func broadcast(_ text: String, topic: String, sequence: UInt64? = nil) {
        broadcast(frame: WebSocketFrameEncoder.text(text), topic: topic, sequence: sequence)
    }

    /// Sends an already encoded frame (see `WebSocketFrameEncoder`) to the subscribers of `topic`.
    public func broadcast(frame: SharedBytes, topic: String, sequence: UInt64? = nil) {
        lock.lock()
        serial += 1
        let stamp = serial
        let targets = Array(shards.values)
        lock.unlock()
        for shard in targets {
            shard.loop.execute { shard.deliver(frame, topic: topic, serial: stamp, sequence: sequence) }
        }
    }

    /// Forgets a closed connection (called on its loop).
    func remove(_ connection: WebSocketConnection) {
        guard !connection.hubTopics.isEmpty else { return }
        let shard = shard(for: connection.loop)
        for topic in connection.hubTopics { shard.members[topic]?[connection.id] = nil }
        connection.hubTopics.removeAll()
        adjustCount(-1)
    }

    private func adjustCount(_ delta: Int) {
        lock.lock()
        subscribed += delta
        lock.unlock()
    }

    private func shard(for loop: EventLoop) -> HubShard {
        lock.lock()
        defer { lock.unlock() }
        if let shard = shards[ObjectIdentifier(loop)] { return shard }
        let shard = HubShard(loop: loop)
        shards[ObjectIdentifier(loop)] = shard
        return shard
    }

    private func onLoop(of connection: WebSocketConnection, _ work: @escaping @Sendable () -> Void) {
        if connection.loop.isCurrent { work() } else { connection.loop.execute(work) }
    }
}

/// The subscribers that live on one loop; touched only on that loop.
final class HubShard: @unchecked Sendable {
    // @unchecked Sendable: `loop` is immutable; `members` is only used on `loop`.
    let loop: EventLoop
    var members: [String: [UInt64: WebSocketConnection]] = [:]

    init(loop: EventLoop) {
        self.loop = loop
    }

    func deliver(_ frame: SharedBytes, topic: String, serial: UInt64, sequence: UInt64?) {
        if topic == Hub.allTopics {
            for group in members.values { send(frame, to: group, serial: serial, sequence: sequence) }
        } else {
            if let everything = members[Hub.allTopics] { send(frame, to: everything, serial: serial, sequence: sequence) }
            if let group = members[topic] { send(frame, to: group, serial: serial, sequence: sequence) }
        }
    }

    private func send(_ frame: SharedBytes, to group: [UInt64: WebSocketConnection], serial: UInt64, sequence: UInt64?) {
        for connection in group.values where connection.hubLastSerial != serial {
            connection.hubLastSerial = serial
            if let sequence, let skip = connection.hubSkipThrough, sequence <= skip { continue }
            connection.enqueue(frame)
        }
    }
}
