#if canImport(Glibc)
import Glibc
#endif
import Dashboard
import EmbeddedMongo
import Feeds
import Foundation
import Jobs
import Mongo

/// `vigie up`: the one-command start: embedded store, dashboard server and the crontab's jobs.
enum UpCommand: Command {
    static let name = "up"
    static let summary = "start everything: embedded store, dashboard server, scheduled jobs"
    static let help = """
    usage: vigie up [--demo] [--listen HOST:PORT] [--web DIR]

    Starts, in one process:
      - the embedded store on 127.0.0.1:27117 with its data in $VIGIE_HOME/store
        (skipped when MONGODB_URI is set: that database is used instead);
      - the dashboard server (as 'vigie serve');
      - a scheduler that runs cron/vigie.crontab as cron would (its jobs get MONGODB_URI).
    On first start, with no readings yet, it runs one fetch per feed so the dashboard is not empty.
    Prints "ready http://HOST:PORT/" (the dashboard's address) on stdout; stops everything on SIGINT
    or SIGTERM.

    options:
      --demo               replay recorded payloads instead of calling the APIs (works offline)
      --listen HOST:PORT   dashboard address (default 127.0.0.1:8080)
      --web DIR            the page's directory (default: web/ of the project)
    """

    static let storeAddress = (host: "127.0.0.1", port: 27117)

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let demo = arguments.flag("--demo")
        let listen = try arguments.option("--listen") ?? "127.0.0.1:8080"
        let webOption = try arguments.option("--web")
        try arguments.finish()
        let project = try JobCommandSupport.projectDirectory()
        let home = absolute(Environment.home)
        let signals = TerminationSignals.block()

        let store = Environment.value("MONGODB_URI") == nil ? try startStore(home: home) : nil
        let uri = store?.uri ?? Environment.mongoURI
        var configuration = try ServeCommand.makeConfiguration(listen: listen, web: webOption ?? project + "/web")
        configuration.mongoURI = uri
        configuration.reportsDirectory = home + "/reports"
        let server: DashboardServer
        do {
            server = try ServeCommand.startServer(configuration)
        } catch {
            store?.stop()
            throw error
        }

        var environment = Scheduler.jobEnvironment(mongoURI: uri, demo: demo)
        environment["VIGIE_HOME"] = home
        environment["VIGIE_DB"] = Environment.database
        let scheduler: Scheduler
        do {
            scheduler = try Scheduler(crontabPath: project + "/cron/vigie.crontab", projectDirectory: project,
                                      environment: environment)
        } catch {
            server.stop()
            store?.stop()
            throw CLIError.usage("vigie up: cron/vigie.crontab: \(error)")
        }
        scheduler.start()
        let jobEnvironment = environment
        let firstFetches = Thread { fillIfEmpty(environment: jobEnvironment, demo: demo) }
        firstFetches.name = "vigie-first-fetches"
        firstFetches.start()

        let token = configuration.token.map { "?token=" + $0 } ?? ""
        ServeCommand.announce("ready \(server.url)\(token)")
        standardError("event=up_ready dashboard=\(server.url) database=\(store == nil ? "external" : "embedded") demo=\(demo)")
        let received = signals.wait()
        standardError("event=up_signal signal=\(received)")
        scheduler.stop()
        server.stop()
        store?.stop()
        return .ok
    }

    /// The embedded store on 127.0.0.1:27117, data in `home`/store.
    static func startStore(home: String) throws -> StoreServer {
        let path = home + "/store"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let store = try StoreServer(configuration: StoreConfiguration(dbPath: path, host: storeAddress.host, port: storeAddress.port))
            _ = try store.start()
            standardError("event=store_ready uri=\(store.uri) dbpath=\(path)")
            return store
        } catch {
            throw CLIError(.database, "vigie up: cannot start the embedded store on \(storeAddress.host):\(storeAddress.port) with data in \(path): \(error) (is another store running? then set MONGODB_URI to use it)")
        }
    }

    /// With no readings at all (a first start), runs one fetch of every feed so the dashboard has data.
    static func fillIfEmpty(environment: [String: String], demo: Bool) {
        do {
            let settings = try JobSettings.fromEnvironment(environment)
            let client = try MongoClient(uri: settings.mongoURI)
            let readings = try client.database(settings.databaseName).collection("readings")
            guard try readings.findOne() == nil else { return }
            standardError("event=up_first_fetches feeds=\(FeedRegistry.ids.joined(separator: ",")) demo=\(demo)")
            let runner = FetchRunner(settings: settings)
            for feed in FeedRegistry.ids {
                _ = runner.run(feed: feed, demo: demo)
            }
        } catch {
            standardError("event=up_first_fetches_failed error=\"\(error)\"")
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
