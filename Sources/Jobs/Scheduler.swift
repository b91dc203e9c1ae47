import Foundation

/// Runs the jobs of a crontab as cron would, for `vigie up`: at the start of each minute, every entry whose
/// schedule matches is started as `/bin/sh -c COMMAND` in its own process group, with the given environment.
/// Overlap is prevented where cron prevents it for Vigie: by the per-job lock in `cron/run-job.sh`.
public final class Scheduler: @unchecked Sendable {
    // `condition` guards `stopped`, `children` and `thread`; the timer thread and the reapers take it.
    private let condition = NSCondition()
    private var stopped = true
    private var children: [pid_t: String] = [:]
    private var finished = DispatchSemaphore(value: 0)

    public let crontab: Crontab
    public let projectDirectory: String
    private let environment: [String: String]
    private let log: JobLog
    private let timeZone: TimeZone
    private let now: @Sendable () -> Date

    /// Reads and checks the crontab at once, so a bad schedule fails `vigie up` before anything starts.
    public init(crontabPath: String, projectDirectory: String, environment: [String: String],
                log: JobLog = JobLog(), timeZone: TimeZone = .current,
                now: @escaping @Sendable () -> Date = { Date() }) throws(CronScheduleError) {
        crontab = try Crontab(contentsOf: crontabPath, projectDirectory: projectDirectory)
        self.projectDirectory = projectDirectory
        self.environment = environment
        self.log = log
        self.timeZone = timeZone
        self.now = now
    }

    /// The environment `vigie up` gives its jobs: its own, plus VIGIE_BIN (this executable, so run-job.sh runs
    /// the same build), MONGODB_URI (the embedded store it started, when it did) and VIGIE_DEMO=1 in demo mode
    /// (fetch jobs then replay recorded payloads instead of calling the APIs).
    public static func jobEnvironment(base: [String: String] = ProcessInfo.processInfo.environment,
                                      mongoURI: String? = nil, demo: Bool = false) -> [String: String] {
        var environment = base
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            environment["VIGIE_BIN"] = executable
        }
        if let mongoURI { environment["MONGODB_URI"] = mongoURI }
        if demo { environment["VIGIE_DEMO"] = "1" } else { environment["VIGIE_DEMO"] = nil }
        return environment
    }

    /// Starts the timer thread; jobs begin at the next minute boundary.
    public func start() {
        condition.lock()
        guard stopped else { condition.unlock(); return }
        stopped = false
        finished = DispatchSemaphore(value: 0)
        condition.unlock()
        log.event("scheduler_start", ["jobs": crontab.entries.count, "project": projectDirectory])
        let thread = Thread { [self] in self.loop() }
        thread.name = "vigie-scheduler"
        thread.start()
    }

    /// Stops scheduling, then asks running jobs to finish (SIGTERM to their process groups, SIGKILL after
    /// `grace` seconds) and waits for them.
    public func stop(grace: TimeInterval = 5) {
        condition.lock()
        guard !stopped else { condition.unlock(); return }
        stopped = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
        signalChildren(SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while runningJobs > 0 && Date() < deadline { usleep(20_000) }
        if runningJobs > 0 { signalChildren(SIGKILL) }
        while runningJobs > 0 { usleep(20_000) }
        log.event("scheduler_stop", [:])
    }

    /// Jobs started and not yet finished.
    public var runningJobs: Int {
        condition.lock()
        defer { condition.unlock() }
        return children.count
    }

    /// Starts every entry whose schedule matches the minute of `minute`; returns how many were started.
    @discardableResult
    public func runDue(at minute: Date) -> Int {
        var started = 0
        for entry in crontab.entries where entry.schedule.matches(minute, timeZone: timeZone) {
            if launch(entry) { started += 1 }
        }
        return started
    }

    private func loop() {
        var next = (Calendar.current.dateInterval(of: .minute, for: now())?.end) ?? now().addingTimeInterval(60)
        condition.lock()
        while !stopped {
            let current = now()
            if current >= next {
                condition.unlock()
                runDue(at: next)
                condition.lock()
                next = next.addingTimeInterval(60)
                // After a suspend or a clock jump, resume at the coming minute rather than replaying the past.
                if next.addingTimeInterval(60) < current {
                    next = (Calendar.current.dateInterval(of: .minute, for: current)?.end) ?? current.addingTimeInterval(60)
                }
                continue
            }
            // Wake a little after the boundary, and at least every second in case the clock moved.
            _ = condition.wait(until: min(Date().addingTimeInterval(next.timeIntervalSince(current) + 0.005),
                                          Date().addingTimeInterval(1)))
        }
        condition.unlock()
        finished.signal()
    }

    private func launch(_ entry: Crontab.Entry) -> Bool {
        var variables = environment.merging(entry.environment) { _, fromCrontab in fromCrontab }
        if variables["PATH"] == nil { variables["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        if variables["SHELL"] == nil { variables["SHELL"] = "/bin/sh" }
        let arguments = ["/bin/sh", "-c", entry.command]
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else {
            log.event("job_spawn_failed", ["line": entry.line, "command": entry.command,
                                           "error": String(cString: strerror(status))])
            return false
        }
        let child = pid
        condition.lock()
        children[child] = entry.command
        condition.unlock()
        log.event("job_start", ["line": entry.line, "pid": child, "command": entry.command])
        let started = Date()
        Thread.detachNewThread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            condition.lock()
            children[child] = nil
            condition.unlock()
            let exited = status & 0x7f == 0
            log.event("job_end", ["line": entry.line, "pid": child, "command": entry.command,
                                  "status": exited ? Int((status >> 8) & 0xff) : nil,
                                  "signal": exited ? nil : Int(status & 0x7f),
                                  "seconds": String(format: "%.1f", Date().timeIntervalSince(started))])
        }
        return true
    }

    private func signalChildren(_ signal: Int32) {
        condition.lock()
        let groups = Array(children.keys)
        condition.unlock()
        for pid in groups { kill(-pid, signal) }
    }
}
