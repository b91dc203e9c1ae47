import Net

/// Everything `DashboardServer` needs: where to listen, what to serve, which database to watch.
public struct DashboardConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (see `DashboardServer.port`).
    public var port: Int = 8080
    public var loopCount: Int = System.coreCount
    /// The page (`web/`); nil serves no files.
    public var webDirectory: String?
    /// Daily reports, served under `/reports/`; nil serves none.
    public var reportsDirectory: String?
    /// `VIGIE_TOKEN`; nil or empty: no token required.
    public var token: String?
    public var mongoURI: String
    public var databaseName: String = "vigie"
    /// The `server` of the hello message, e.g. "vigie 0.1.0".
    public var serverName: String = "vigie"
    public var feeds: [FeedInfo] = FeedInfo.registry
    /// Broadcasts kept for reconnecting viewers, by count and by bytes.
    public var historyEntries: Int = 10_000
    public var historyBytes: Int = 64 << 20
    /// Bytes a viewer may have waiting before it is closed with 1013.
    public var maxQueuedBytesPerViewer: Int = 4 << 20
    /// Server selection timeout for the REST and watcher clients: how fast an outage is noticed.
    public var serverSelectionTimeoutMS: Int32 = 2000
    public var watcher = ChangeWatcher.Configuration()

    public init(mongoURI: String) {
        self.mongoURI = mongoURI
    }
}
