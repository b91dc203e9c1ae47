import Jobs

/// What the job commands (fetch, replay, rollup, report, feeds, cron) share: settings and exit codes.
enum JobCommandSupport {
    static func settings() throws -> JobSettings {
        do {
            return try JobSettings.fromEnvironment()
        } catch {
            throw CLIError.usage("vigie: \(error.message)")
        }
    }

    static func exitCode(_ failure: JobFailure) -> ExitCode {
        ExitCode(rawValue: failure.exitCode) ?? .failure
    }

    static func fail(_ command: String, _ failure: JobFailure) -> CLIError {
        CLIError(exitCode(failure), "vigie \(command): \(failure.message)")
    }

    static func projectDirectory() throws -> String {
        guard let directory = ProjectDirectory.locate() else {
            throw CLIError.usage("vigie: cannot find the project directory (with cron/vigie.crontab): run from it or set VIGIE_PROJECT")
        }
        return directory
    }
}
