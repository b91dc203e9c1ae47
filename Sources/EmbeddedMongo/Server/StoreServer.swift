import BSON
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The embedded MongoDB-compatible store: listens, serves each client on its own thread, stops cleanly.
public final class StoreServer: @unchecked Sendable {
    // `state` guards `listener`, `clients`, `running`, `boundPort`; its condition announces a client's exit.
    private let state = ConditionLock()
    private var listener: Int32 = -1
    private var clients: [Int64: Int32] = [:]
    private var running = false
    private var boundPort = 0
    private var nextConnectionId: Int64 = 1

    public let configuration: StoreConfiguration
    let context: StoreContext
    /// Holds an exclusive flock on `store.lock` in the data directory while the store is open.
    private var lockDescriptor: Int32

    /// Opens (or creates) the database under `configuration.dbPath`; call `start()` to accept connections.
    public init(configuration: StoreConfiguration) throws {
        self.configuration = configuration
        let directory = configuration.dbPath.hasSuffix("/") ? String(configuration.dbPath.dropLast()) : configuration.dbPath
        try Self.makeDirectories(directory)
        // Two stores writing one database would interleave two oplog clocks: one store per directory.
        lockDescriptor = open(directory + "/store.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else {
            throw CommandError.internalError("cannot open \(directory)/store.lock: \(Socket.errnoText)")
        }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(lockDescriptor)
            throw CommandError.internalError("another store is already using \(directory) (store.lock is held)")
        }
        let path = directory + "/store.sqlite"
        let engine: StorageEngine
        do {
            engine = try StorageEngine(path: path, oplogLimits: configuration.oplogLimits, durability: configuration.durability)
        } catch {
            close(lockDescriptor)
            throw CommandError.internalError("cannot open \(path): \(error)")
        }
        context = StoreContext(engine: engine, configuration: configuration)
    }

    deinit {
        stop()
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    /// `mkdir -p`, with the system's reason when it fails.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw CommandError.internalError("cannot create the data directory \(path): \(Socket.errnoText)")
            }
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw CommandError.internalError("the data directory \(path) is not a directory")
        }
    }

    /// Binds and starts accepting; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        try state.withLock {
            guard !running else { return boundPort }
            let (descriptor, port) = try Socket.listen(host: configuration.host, port: configuration.port)
            listener = descriptor
            boundPort = port
            running = true
            context.setAddress(host: configuration.host, port: port)
            let thread = Thread { [self] in acceptLoop(descriptor) }
            thread.name = "store-accept"
            thread.start()
            return port
        }
    }

    /// The port accepting connections (0 before `start()`).
    public var port: Int { state.withLock { boundPort } }

    /// The connection string drivers use.
    public var uri: String { "mongodb://\(configuration.host):\(port)/?replicaSet=rs0" }

    /// Stops accepting, closes every client connection, waits for their threads, and closes the database.
    public func stop() {
        let wasRunning: Bool = state.withLock {
            let was = running
            running = false
            if listener >= 0 {
                shutdown(listener, Int32(SHUT_RDWR))
                close(listener)
                listener = -1
            }
            for descriptor in clients.values { shutdown(descriptor, Int32(SHUT_RDWR)) }
            return was
        }
        context.stopping()
        if wasRunning {
            state.withLock {
                let deadline = MonotonicClock.deadline(afterMilliseconds: 5000)
                while !clients.isEmpty, MonotonicClock.now < deadline { _ = state.wait(untilMonotonic: deadline) }
            }
        }
        context.engine.close()
        state.withLock {
            if lockDescriptor >= 0 {
                close(lockDescriptor)
                lockDescriptor = -1
            }
        }
    }

    private func acceptLoop(_ descriptor: Int32) {
        while let client = Socket.accept(descriptor) {
            let id: Int64? = state.withLock {
                guard running else { return nil }
                let id = nextConnectionId
                nextConnectionId += 1
                clients[id] = client
                return id
            }
            guard let id else {
                close(client)
                break
            }
            context.log("event=connection_open id=\(id)")
            let thread = Thread { [self] in
                ClientConnection(id: id, descriptor: client, context: context).serve()
                state.withLock {
                    clients[id] = nil
                    close(client)
                    state.broadcast()
                }
                context.log("event=connection_close id=\(id)")
            }
            thread.stackSize = 8 << 20
            thread.name = "store-client-\(id)"
            thread.start()
        }
    }
}
