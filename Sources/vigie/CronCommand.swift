import Foundation
import Jobs

/// `vigie cron print|install|uninstall`: Vigie's block in the user's crontab.
enum CronCommand: Command {
    static let name = "cron"
    static let summary = "show / install into the user's crontab (a marked, idempotent block) / remove"
    static let help = """
    usage: vigie cron print|install|uninstall

      print       show the block that install would write (cron/vigie.crontab, project path substituted)
      install     put it in the user's crontab between '# BEGIN vigie' and '# END vigie', replacing any
                  previous block (installing twice leaves one block); other lines are kept
      uninstall   remove the block, keeping every other line

    The project directory is VIGIE_PROJECT, else found from the working directory or the executable.
    VIGIE_CRONTAB_CMD replaces the 'crontab' command (tests use a fake one).
    Without cron, 'vigie up' runs the same schedule itself.
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let words = try arguments.positionals()
        guard words.count == 1, ["print", "install", "uninstall"].contains(words[0]) else {
            throw CLIError.usage("vigie cron: expected one of print, install, uninstall (see 'vigie cron --help')")
        }
        let installer = CrontabInstaller(projectDirectory: try JobCommandSupport.projectDirectory(),
                                         crontabCommand: Environment.value("VIGIE_CRONTAB_CMD") ?? "crontab")
        let result: Result<Void, JobFailure> = Result { () throws(JobFailure) in try perform(words[0], installer) }
        if case .failure(let failure) = result { throw JobCommandSupport.fail("cron \(words[0])", failure) }
        return .ok
    }

    private static func perform(_ action: String, _ installer: CrontabInstaller) throws(JobFailure) {
        switch action {
        case "print":
            print(try installer.block(), terminator: "")
        case "install":
            try installer.install()
            standardError("event=cron_installed project=\(installer.projectDirectory) schedule=\(installer.schedulePath)")
        default:
            try installer.uninstall()
            standardError("event=cron_uninstalled")
        }
    }
}
