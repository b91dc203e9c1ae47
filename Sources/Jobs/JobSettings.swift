import Foundation

/// What every job reads from the environment (DESIGN.md §3), resolved once.
public struct JobSettings: Sendable {
    public static let defaultMongoURI = "mongodb://127.0.0.1:27117/?replicaSet=rs0"
    public static let defaultRetentionDays = 7

    public var mongoURI: String
    public var databaseName: String
    /// VIGIE_HOME: raw/, logs/, reports/, state/, cache/.
    public var home: String
    public var retentionDays: Int
    /// `VIGIE_URL_<FEED>` overrides, by feed id.
    public var originOverrides: [String: String]
    /// VIGIE_DEMO=1: fetch jobs replay recorded payloads instead of calling the APIs.
    public var demo: Bool
    /// Where the recorded payloads of demo mode are (VIGIE_FIXTURES, else Tests/Fixtures of the project).
    public var fixturesDirectory: String?
    /// Seconds for one HTTP attempt (VIGIE_HTTP_TIMEOUT), attempts in all (VIGIE_HTTP_ATTEMPTS), and the
    /// largest payload accepted (VIGIE_MAX_RESPONSE_MB): a runaway response is cut off, not stored.
    public var httpTimeoutSeconds: Double = 30
    public var httpMaxAttempts: Int = 3
    public var maxResponseBytes: Int = 16 << 20

    public init(mongoURI: String = JobSettings.defaultMongoURI, databaseName: String = "vigie", home: String = "./var",
                retentionDays: Int = JobSettings.defaultRetentionDays, originOverrides: [String: String] = [:],
                demo: Bool = false, fixturesDirectory: String? = nil) {
        self.mongoURI = mongoURI
        self.databaseName = databaseName
        self.home = home
        self.retentionDays = retentionDays
        self.originOverrides = originOverrides
        self.demo = demo
        self.fixturesDirectory = fixturesDirectory
    }

    /// Reads MONGODB_URI, VIGIE_DB, VIGIE_HOME, VIGIE_RETENTION_DAYS, VIGIE_URL_<FEED>, VIGIE_DEMO, VIGIE_FIXTURES.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(JobFailure) -> JobSettings {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        var settings = JobSettings()
        settings.mongoURI = value("MONGODB_URI") ?? defaultMongoURI
        settings.databaseName = value("VIGIE_DB") ?? "vigie"
        settings.home = value("VIGIE_HOME") ?? "./var"
        if let text = value("VIGIE_RETENTION_DAYS") {
            guard let days = Int(text), days >= 1 else {
                throw JobFailure(.usage, "VIGIE_RETENTION_DAYS must be a whole number of days >= 1, not '\(text)'")
            }
            settings.retentionDays = days
        }
        for (name, text) in environment where name.hasPrefix("VIGIE_URL_") && !text.isEmpty {
            settings.originOverrides[String(name.dropFirst("VIGIE_URL_".count)).lowercased()] = text
        }
        settings.demo = ["1", "true", "yes"].contains(value("VIGIE_DEMO")?.lowercased() ?? "")
        settings.fixturesDirectory = value("VIGIE_FIXTURES")
        if let text = value("VIGIE_HTTP_TIMEOUT") {
            guard let seconds = Double(text), seconds > 0 else {
                throw JobFailure(.usage, "VIGIE_HTTP_TIMEOUT must be a number of seconds > 0, not '\(text)'")
            }
            settings.httpTimeoutSeconds = seconds
        }
        if let text = value("VIGIE_HTTP_ATTEMPTS") {
            guard let attempts = Int(text), (1...10).contains(attempts) else {
                throw JobFailure(.usage, "VIGIE_HTTP_ATTEMPTS must be a whole number from 1 to 10, not '\(text)'")
            }
            settings.httpMaxAttempts = attempts
        }
        if let text = value("VIGIE_MAX_RESPONSE_MB") {
            guard let megabytes = Int(text), (1...1024).contains(megabytes) else {
                throw JobFailure(.usage, "VIGIE_MAX_RESPONSE_MB must be a whole number from 1 to 1024, not '\(text)'")
            }
            settings.maxResponseBytes = megabytes << 20
        }
        return settings
    }

    /// `home/name`.
    public func path(_ name: String) -> String {
        (home as NSString).appendingPathComponent(name)
    }
}
