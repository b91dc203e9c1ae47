#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Net

/// `vigie-bench fanout`: N viewers, one sender stamping each broadcast, delivery latency and
/// throughput of the Swift server (the dashboard's Hub) and of a node-ws peer in the same run.
enum FanoutBenchmark {
    static let help = """
    usage: vigie-bench fanout [--viewers 1000,10000] [--rates 10,100,1000] [--seconds 4]
                              [--payload 64] [--server-loops 2] [--client-loops 1] [--peer yes|no]

    For each viewer count and broadcast rate, starts a fresh server, connects the viewers, measures
    memory per idle connection, then broadcasts for --seconds and reports delivered messages/s,
    latency p50/p99/max (sender stamp to viewer receipt), server CPU and RSS. The same cells run
    against a node-ws broadcast server (fanout-peer.js) and the ratio is printed.
    """

    struct Cell {
        var server: String
        var viewers: Int
        var rate: Int
        var connected = 0
        var seconds = 0.0
        var delivered = 0
        var closed = 0
        var p50 = Double.nan, p99 = Double.nan, max = Double.nan
        var cpu = 0.0
        var clientCPU = 0.0
        var rssMB = 0.0
        var idleBytesPerViewer = 0.0
        var expectedPerSecond: Double { Double(connected * rate) }
        var deliveredPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
    }

    static func run(_ words: [String]) throws -> Int32 {
        if words.contains("--help") { output(help); return 0 }
        let options = try BenchOptions(words, allowed: ["viewers", "rates", "seconds", "payload", "server-loops", "client-loops", "peer", "peer-script"])
        let viewerCounts = try options.integers("viewers", default: [1000, 10000])
        let rates = try options.integers("rates", default: [10, 100, 1000])
        let seconds = try options.number("seconds", default: 4)
        let payload = try options.integers("payload", default: [64])[0]
        let serverLoops = try options.integers("server-loops", default: [System.coreCount])[0]
        let clientLoops = try options.integers("client-loops", default: [1])[0]
        let limit = System.raiseOpenFileLimit(to: 1 << 20)
        if let largest = viewerCounts.max(), largest + 64 > limit {
            throw BenchUsageError(description: "open-file limit is \(limit), too low for \(largest) viewers (raise the hard limit: ulimit -Hn)")
        }

        var servers: [FanoutServerProcess.Kind] = [.vigie(loops: serverLoops)]
        if options.string("peer", default: "yes") == "yes" {
            if let peer = FanoutServerProcess.nodePeer(script: options.string("peer-script", default: "")) {
                servers.append(peer)
            } else {
                output("peer: node-ws unavailable (install nodejs and node-ws); only the Swift server is measured")
            }
        }

        let group = try EventLoopGroup(count: clientLoops)
        group.start()
        defer { group.shutdown() }
        output("load average before: \(loadAverage(at: 0))")
        output("fan-out: payload \(payload) B, \(seconds) s per cell, server loops \(serverLoops), client loops \(clientLoops), cores \(System.coreCount)")
        output(header())
        var cells: [Cell] = []
        for viewers in viewerCounts {
            for rate in rates {
                for server in servers {
                    let cell = try runCell(server: server, viewers: viewers, rate: rate, seconds: seconds, payload: payload, group: group)
                    output(row(cell))
                    cells.append(cell)
                }
            }
        }
        printRatios(cells)
        output("load average after: \(loadAverage(at: 0)) (other processes share these cores)")
        return 0
    }

    static func runCell(server kind: FanoutServerProcess.Kind, viewers: Int, rate: Int, seconds: Double, payload: Int,
                        group: EventLoopGroup) throws -> Cell {
        var cell = Cell(server: kind.name, viewers: viewers, rate: rate)
        let server = try FanoutServerProcess(kind: kind)
        defer { server.stop() }
        usleep(300_000)
        let baseline = ProcessSample.take(pid: server.pid)
        let stats = group.loops.map { _ in ViewerStats() }
        let connections = ConnectionList()
        for index in 0..<viewers {
            let loop = group.loops[index % group.loops.count]
            let fd = try Socket.connect(host: "127.0.0.1", port: server.port, nonBlocking: true)
            let viewerStats = stats[index % group.loops.count]
            loop.execute {
                let connection = Connection(fd: fd, loop: loop, peer: "server")
                connection.delegate = FanoutViewer(stats: viewerStats)
                guard (try? connection.start()) != nil else { Glibc.close(fd); return }
                connection.write(upgradeRequest(path: "/"))
                connections.add(connection)
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while total(stats, group, \.handshakes) + total(stats, group, \.refused) < viewers && Date() < deadline { usleep(20_000) }
        cell.connected = total(stats, group, \.handshakes)
        usleep(1_000_000)
        let idle = ProcessSample.take(pid: server.pid)
        if let baseline, let idle, cell.connected > 0 {
            cell.idleBytesPerViewer = Double(idle.rssBytes - baseline.rssBytes) / Double(cell.connected)
        }

        let sent = try sendBroadcasts(port: server.port, rate: rate, seconds: seconds, payload: payload, group: group, pid: server.pid, cell: &cell)
        var last = -1
        let drainDeadline = Date().addingTimeInterval(3)
        while Date() < drainDeadline {
            let now = total(stats, group, \.delivered)
            if now >= sent * cell.connected || now == last { break }
            last = now
            usleep(300_000)
        }
        cell.delivered = total(stats, group, \.delivered)
        cell.closed = total(stats, group, \.closedByServer)
        var histogram = LatencyHistogram()
        onLoops(group) { index in histogram.merge(stats[index].histogram) }
        cell.p50 = histogram.percentile(0.50)
        cell.p99 = histogram.percentile(0.99)
        cell.max = Double(histogram.maxMicros) / 1000
        connections.closeAll(group)
        return cell
    }

    /// Connects the sender, broadcasts for `seconds`, samples the server's CPU and RSS around it.
    private static func sendBroadcasts(port: Int, rate: Int, seconds: Double, payload: Int, group: EventLoopGroup,
                                       pid: Int32, cell: inout Cell) throws -> Int {
        let fd = try Socket.connect(host: "127.0.0.1", port: port, nonBlocking: true)
        let loop = group.loops[0]
        let upgraded = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        /// The sender's objects; created and used only on `loop` (the main thread only passes the box along).
        final class SenderBox: @unchecked Sendable {
            var connection: Connection?
            var sender: FanoutSender?
            var sent = 0  // written on the loop before `finished` is signalled
        }
        let box = SenderBox()
        loop.execute {
            let connection = Connection(fd: fd, loop: loop, peer: "server")
            let sender = FanoutSender()
            connection.delegate = sender
            sender.onUpgrade = { upgraded.signal() }
            box.connection = connection
            box.sender = sender
            guard (try? connection.start()) != nil else { upgraded.signal(); return }
            connection.write(upgradeRequest(path: "/?role=sender"))
        }
        upgraded.wait()
        let before = ProcessSample.take(pid: pid)
        let clientBefore = ProcessSample.take(pid: getpid())
        let started = Date()
        loop.execute {
            guard let connection = box.connection, let sender = box.sender else { finished.signal(); return }
            sender.start(on: connection, rate: rate, seconds: seconds, payloadBytes: payload) { count in
                box.sent = count
                connection.closeAfterFlush(linger: 0.5)
                finished.signal()
            }
        }
        finished.wait()
        cell.seconds = Date().timeIntervalSince(started)
        if let before, let after = ProcessSample.take(pid: pid) {
            cell.cpu = after.cpuPercent(since: before)
            cell.rssMB = Double(after.rssBytes) / 1_048_576
        }
        if let clientBefore, let clientAfter = ProcessSample.take(pid: getpid()) {
            cell.clientCPU = clientAfter.cpuPercent(since: clientBefore)
        }
        return box.sent
    }

    /// Runs `body(loopIndex)` on every client loop and waits.
    static func onLoops(_ group: EventLoopGroup, _ body: @escaping (Int) -> Void) {
        for (index, loop) in group.loops.enumerated() {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) let work = body
            loop.execute {
                work(index)
                done.signal()
            }
            done.wait()
        }
    }

    static func total(_ stats: [ViewerStats], _ group: EventLoopGroup, _ field: KeyPath<ViewerStats, Int>) -> Int {
        var sum = 0
        onLoops(group) { index in sum += stats[index][keyPath: field] }
        return sum
    }

    // MARK: output

    /// The 1-minute load average, as /proc/loadavg reports it.
    static func loadAverage(at field: Int) -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").dropFirst(field).first.map(String.init) ?? "?"
    }

    static func header() -> String {
        pad(["server", "viewers", "rate/s", "expected/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "cpu %", "rss MB", "idle KB/viewer", "closed", "client cpu %"])
    }

    static func row(_ cell: Cell) -> String {
        pad([cell.server, "\(cell.connected)/\(cell.viewers)", "\(cell.rate)", format(cell.expectedPerSecond, 0),
             format(cell.deliveredPerSecond, 0), format(cell.p50, 2), format(cell.p99, 2), format(cell.max, 1),
             format(cell.cpu, 0), format(cell.rssMB, 1), format(cell.idleBytesPerViewer / 1024, 2), "\(cell.closed)", format(cell.clientCPU, 0)])
    }

    static func pad(_ columns: [String]) -> String {
        let widths = [8, 12, 7, 11, 12, 8, 8, 9, 6, 8, 15, 7, 12]
        return zip(columns, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
    }

    static func format(_ value: Double, _ digits: Int) -> String {
        value.isNaN ? "-" : String(format: "%.\(digits)f", value)
    }

    static func printRatios(_ cells: [Cell]) {
        let swift = cells.filter { $0.server == "vigie" }
        let peers = cells.filter { $0.server == "node-ws" }
        guard !peers.isEmpty else { return }
        output("\nvigie vs node-ws (same run): delivered/s ratio, p99 vigie / node-ws")
        for cell in swift {
            guard let peer = peers.first(where: { $0.viewers == cell.viewers && $0.rate == cell.rate }) else { continue }
            let ratio = peer.deliveredPerSecond > 0 ? cell.deliveredPerSecond / peer.deliveredPerSecond : .nan
            output("  \(cell.viewers) viewers x \(cell.rate)/s: throughput x\(format(ratio, 2)), p99 \(format(cell.p99, 2)) ms / \(format(peer.p99, 2)) ms")
        }
    }
}

/// Viewer connections of one cell, closed at its end on their loops.
final class ConnectionList: @unchecked Sendable {
    // @unchecked Sendable: `items` is guarded by `lock`.
    private let lock = NSLock()
    private var items: [Connection] = []

    func add(_ connection: Connection) {
        lock.lock()
        items.append(connection)
        lock.unlock()
    }

    func closeAll(_ group: EventLoopGroup) {
        lock.lock()
        let all = items
        items.removeAll()
        lock.unlock()
        let byLoop = Dictionary(grouping: all) { $0.loop.index }
        FanoutBenchmark.onLoops(group) { index in
            for connection in byLoop[index] ?? [] { connection.close() }
        }
    }
}
