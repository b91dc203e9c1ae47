import Foundation

/// Counters and gauges of one server process, rendered as Prometheus text for `/metrics`.
public final class DashboardMetrics: @unchecked Sendable {
    // @unchecked Sendable: every stored property is guarded by `lock`.
    private let lock = NSLock()
    private var broadcasts: UInt64 = 0
    private var messagesSent: UInt64 = 0
    private var bytesSent: UInt64 = 0
    private var replayedMessages: UInt64 = 0
    private var resetsSent: UInt64 = 0
    private var changeEvents: UInt64 = 0
    private var lastLagSeconds: Double?
    private var lagSum: Double = 0
    private var lagCount: UInt64 = 0
    private var fetchOutcomes: [String: (ok: UInt64, failed: UInt64)] = [:]
    private var reconnects: UInt64 = 0
    private var historyLost: UInt64 = 0
    private var restRequests: [Int: UInt64] = [:]

    public init() {}

    func recordBroadcast(recipients: Int, bytes: Int) {
        lock.withLock {
            broadcasts += 1
            messagesSent += UInt64(recipients)
            bytesSent += UInt64(recipients) * UInt64(bytes)
        }
    }

    /// A message sent to one viewer outside broadcasts (hello, replay, reset, status).
    func recordDirect(bytes: Int, replayed: Bool = false, reset: Bool = false) {
        lock.withLock {
            messagesSent += 1
            bytesSent += UInt64(bytes)
            if replayed { replayedMessages += 1 }
            if reset { resetsSent += 1 }
        }
    }

    /// One change-stream event, `lagSeconds` after the database recorded it (nil when unknown).
    func recordChangeEvent(lagSeconds: Double?) {
        lock.withLock {
            changeEvents += 1
            if let lagSeconds {
                lastLagSeconds = lagSeconds
                lagSum += lagSeconds
                lagCount += 1
            }
        }
    }

    func recordFetch(feed: String, ok: Bool) {
        lock.withLock {
            var outcome = fetchOutcomes[feed] ?? (0, 0)
            if ok { outcome.ok += 1 } else { outcome.failed += 1 }
            fetchOutcomes[feed] = outcome
        }
    }

    func recordReconnect() { lock.withLock { reconnects += 1 } }

    func recordHistoryLost() { lock.withLock { historyLost += 1 } }

    func recordRequest(status: Int) { lock.withLock { restRequests[status, default: 0] += 1 } }

    /// Messages sent to viewers so far (broadcast deliveries plus direct messages).
    public var messagesSentTotal: UInt64 { lock.withLock { messagesSent } }

    /// The Prometheus text exposition; the gauges and the WebSocket counters are sampled by the caller.
    public func render(viewers: Int, databaseUp: Bool, historyEntries: Int, latestOffset: UInt64,
                       connections: Int = 0, drops: Int = 0) -> String {
        lock.lock()
        defer { lock.unlock() }
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        metric("vigie_viewers", "gauge", "WebSocket viewers currently subscribed.", [("", "\(viewers)")])
        metric("vigie_websocket_connections", "gauge", "WebSocket connections open (subscribed or not).", [("", "\(connections)")])
        metric("vigie_viewer_drops_total", "counter", "Viewers closed with 1013 because their send queue overflowed.",
               [("", "\(drops)")])
        metric("vigie_messages_sent_total", "counter", "Messages queued to viewers (broadcast deliveries, replays, hellos, statuses).",
               [("", "\(messagesSent)")])
        metric("vigie_bytes_sent_total", "counter", "WebSocket frame bytes queued to viewers.", [("", "\(bytesSent)")])
        metric("vigie_broadcasts_total", "counter", "Broadcasts made (each encoded once).", [("", "\(broadcasts)")])
        metric("vigie_replayed_messages_total", "counter", "Missed messages replayed to reconnecting viewers.",
               [("", "\(replayedMessages)")])
        metric("vigie_resets_sent_total", "counter", "Reset messages sent to viewers whose position was gone.",
               [("", "\(resetsSent)")])
        metric("vigie_change_events_total", "counter", "Change-stream events received.", [("", "\(changeEvents)")])
        metric("vigie_change_stream_lag_seconds", "gauge", "Delay between the database recording the last event and the server receiving it.",
               [("", lastLagSeconds.map { String(format: "%.6f", $0) } ?? "NaN")])
        metric("vigie_change_stream_lag_seconds_average", "gauge", "Average change-stream lag since start.",
               [("", lagCount == 0 ? "NaN" : String(format: "%.6f", lagSum / Double(lagCount)))])
        metric("vigie_change_stream_reconnects_total", "counter", "Times the watcher reopened its change stream after a failure.",
               [("", "\(reconnects)")])
        metric("vigie_change_stream_history_lost_total", "counter", "Times the resume point was gone and the watcher started afresh.",
               [("", "\(historyLost)")])
        metric("vigie_database_up", "gauge", "1 when the change stream is connected, 0 during an outage.",
               [("", databaseUp ? "1" : "0")])
        metric("vigie_history_entries", "gauge", "Broadcasts kept for reconnecting viewers.", [("", "\(historyEntries)")])
        metric("vigie_broadcast_offset", "gauge", "Offset of the latest broadcast in this epoch.", [("", "\(latestOffset)")])
        var fetchSamples = [(labels: String, value: String)]()
        for feed in fetchOutcomes.keys.sorted() {
            let outcome = fetchOutcomes[feed]!
            let label = Self.escapeLabel(feed)
            fetchSamples.append(("{feed=\"\(label)\",outcome=\"ok\"}", "\(outcome.ok)"))
            fetchSamples.append(("{feed=\"\(label)\",outcome=\"error\"}", "\(outcome.failed)"))
        }
        metric("vigie_fetches_total", "counter", "Fetch runs seen on the change stream, by feed and outcome.", fetchSamples)
        metric("vigie_http_responses_total", "counter", "REST responses by status.",
               restRequests.keys.sorted().map { ("{status=\"\($0)\"}", "\(restRequests[$0]!)") })
        return text
    }

    /// A label value with Prometheus' escapes (backslash, quote, newline).
    static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
