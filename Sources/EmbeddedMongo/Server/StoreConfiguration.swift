/// Where and how the embedded store runs.
public struct StoreConfiguration: Sendable {
    /// The data directory; the database is one SQLite file (`store.sqlite`) inside it, created if missing.
    public var dbPath: String
    /// The address to listen on; loopback unless the operator chooses otherwise (there is no authentication).
    public var host: String
    /// The TCP port; 0 picks a free ephemeral port (read it back from `StoreServer.start()`).
    public var port: Int
    /// How much change-stream history to keep.
    public var oplogLimits: OplogLimits
    /// When a commit reaches the disk (default: before the write is acknowledged).
    public var durability: StoreDurability
    /// Called with one `key=value` line per notable event (connections, errors); nil keeps quiet.
    public var log: (@Sendable (String) -> Void)?

    public init(dbPath: String, host: String = "127.0.0.1", port: Int = 0, oplogLimits: OplogLimits = OplogLimits(),
                durability: StoreDurability = .fsyncEachCommit, log: (@Sendable (String) -> Void)? = nil) {
        self.dbPath = dbPath
        self.host = host
        self.port = port
        self.oplogLimits = oplogLimits
        self.durability = durability
        self.log = log
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// How far an acknowledged write is guaranteed to survive.
public enum StoreDurability: String, Sendable {
    /// SQLite `synchronous=FULL`: the WAL is fsynced at every commit; an acknowledged write survives kill -9,
    /// an operating-system crash and a power cut.
    case fsyncEachCommit = "full"
    /// SQLite `synchronous=NORMAL` in WAL mode: a commit is in the operating system's page cache when
    /// acknowledged, so it survives kill -9 of the store but not a power cut; fsyncs happen at checkpoints.
    case surviveProcessCrash = "normal"
}
