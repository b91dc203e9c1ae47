import BSON
import Foundation
import Mongo

/// `vigie doctor`: checks what Vigie needs and says how to fix what is missing.
enum DoctorCommand: Command {
    static let name = "doctor"
    static let summary = "check libraries, database, directories and cron"
    static let help = """
    usage: vigie doctor

    Checks, one line each (ok / warn / fail, with the fix):
      - the C libraries Vigie is linked with and their versions
      - MONGODB_URI is reachable and is a replica-set primary (change streams need one)
      - VIGIE_HOME (default ./var) exists or can be created, and is writable
      - a cron daemon and the crontab command (else 'vigie up' schedules the jobs itself)
      - a Chromium for PDF reports (optional)
    Exit code 0 when nothing failed, 1 otherwise.
    """

    /// One line of the report.
    struct Check {
        enum Level: String { case ok, warn, fail }
        let level: Level
        let subject: String
        let detail: String
        var fix: String? = nil

        var line: String {
            let head = level.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0) + subject + ": " + detail
            return fix.map { head + " -> " + $0 } ?? head
        }
    }

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try arguments.finish()
        var checks = libraryChecks()
        checks.append(databaseCheck(uri: Environment.mongoURI))
        checks.append(homeCheck(path: Environment.home))
        checks.append(contentsOf: cronChecks())
        checks.append(chromiumCheck())
        for check in checks { print(check.line) }
        return checks.contains { $0.level == .fail } ? .failure : .ok
    }

    static func libraryChecks() -> [Check] {
        [
            Check(level: .ok, subject: "libmongoc", detail: LibMongoc.version),
            Check(level: .ok, subject: "libbson", detail: LibMongoc.bsonVersion),
        ] + LinkedLibraries.versions.map { Check(level: .ok, subject: $0.name, detail: $0.version) }
    }

    static func databaseCheck(uri: String) -> Check {
        do {
            let client = try MongoClient(uri: uri, serverSelectionTimeoutMS: 2000)
            let hello = try client.hello()
            guard let setName = hello["setName"]?.stringValue else {
                return Check(level: .fail, subject: "database", detail: "\(client.uri) answers but is not a replica set, so change streams cannot work",
                             fix: "start mongod with --replSet rs0 and run rs.initiate(), or unset MONGODB_URI to use the embedded store (vigie up)")
            }
            guard hello["isWritablePrimary"]?.boolValue == true || hello["ismaster"]?.boolValue == true else {
                return Check(level: .warn, subject: "database", detail: "\(client.uri) is a secondary of replica set \(setName)",
                             fix: "point MONGODB_URI at the whole replica set so the driver finds the primary")
            }
            return Check(level: .ok, subject: "database", detail: "\(client.uri) is primary of replica set \(setName)")
        } catch {
            let embedded = uri == Environment.defaultMongoURI
            return Check(level: .fail, subject: "database", detail: "\(error)",
                         fix: embedded ? "start the embedded store: 'vigie store' (or 'vigie up' / 'make run')"
                                       : "check MONGODB_URI and that the server is running")
        }
    }

    static func homeCheck(path: String) -> Check {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            let probe = path + "/.doctor-\(getpid())"
            guard manager.createFile(atPath: probe, contents: Data("ok".utf8)) else {
                return Check(level: .fail, subject: "VIGIE_HOME", detail: "\(path) is not writable",
                             fix: "fix its permissions or set VIGIE_HOME to a writable directory")
            }
            try? manager.removeItem(atPath: probe)
            return Check(level: .ok, subject: "VIGIE_HOME", detail: "\(path) is writable")
        } catch {
            return Check(level: .fail, subject: "VIGIE_HOME", detail: "cannot create \(path): \(error.localizedDescription)",
                         fix: "set VIGIE_HOME to a writable directory")
        }
    }

    static func cronChecks() -> [Check] {
        let crontab = findExecutable("crontab")
        let daemonRunning = processRunning(named: ["cron", "crond"])
        var checks = [Check]()
        if let crontab {
            checks.append(Check(level: .ok, subject: "crontab", detail: crontab))
        } else {
            checks.append(Check(level: .warn, subject: "crontab", detail: "no crontab command",
                                fix: "apt-get install cron, or run 'vigie up', which schedules the jobs itself"))
        }
        checks.append(daemonRunning
            ? Check(level: .ok, subject: "cron daemon", detail: "running")
            : Check(level: .warn, subject: "cron daemon", detail: "not running",
                    fix: "start it (service cron start), or run 'vigie up', which schedules the jobs itself"))
        return checks
    }

    static func chromiumCheck() -> Check {
        if let path = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap(findExecutable).first {
            return Check(level: .ok, subject: "chromium", detail: "\(path) (PDF reports available)")
        }
        return Check(level: .warn, subject: "chromium", detail: "not found: reports are HTML only",
                     fix: "apt-get install chromium for PDF reports")
    }

    static func findExecutable(_ name: String) -> String? {
        let path = Environment.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func processRunning(named names: Set<String>) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        return entries.contains { entry in
            guard entry.allSatisfy(\.isNumber),
                  let command = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8) else { return false }
            return names.contains(command.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
