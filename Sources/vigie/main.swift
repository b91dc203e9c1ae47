#if canImport(Glibc)
import Glibc
#endif

/// Every subcommand, in the order `vigie --help` lists them.
nonisolated(unsafe) let commands: [any Command.Type] = [
    VersionCommand.self,
    DoctorCommand.self,
    StoreCommand.self,
    FetchCommand.self,
    ReplayCommand.self,
    CronCommand.self,
    RollupCommand.self,
    ReportCommand.self,
    FeedsCommand.self,
    WsEchoCommand.self,
]

func printTopLevelHelp() {
    var text = """
    usage: vigie COMMAND [OPTIONS]

    Vigie fetches public APIs on a schedule, stores readings in MongoDB and
    pushes every new reading live to the browsers watching the dashboard.

    commands:

    """
    let width = (commands.map { $0.name.count }.max() ?? 0) + 2
    for command in commands {
        let padding = String(repeating: " ", count: width - command.name.count)
        text += "  " + command.name + padding + command.summary + "\n"
    }
    text += """

    'vigie COMMAND --help' shows a command's options.
    Environment: MONGODB_URI (default \(Environment.defaultMongoURI)), VIGIE_DB (default vigie),
    VIGIE_HOME (default ./var).
    Exit codes: 0 ok, 2 usage, 3 network/HTTP, 4 payload, 5 database.
    """
    print(text)
}

func runMain() -> Int32 {
    var words = Array(CommandLine.arguments.dropFirst())
    guard let first = words.first, first != "--help", first != "-h", first != "help" else {
        printTopLevelHelp()
        return words.isEmpty ? ExitCode.usage.rawValue : ExitCode.ok.rawValue
    }
    if first == "--version" { words[0] = "version" }
    guard let command = commands.first(where: { $0.name == words[0] }) else {
        standardError("vigie: unknown command '\(first)' (see 'vigie --help')")
        return ExitCode.usage.rawValue
    }
    var arguments = Arguments(command: command.name, words: Array(words.dropFirst()))
    if arguments.wantsHelp {
        print(command.help)
        return ExitCode.ok.rawValue
    }
    do {
        return try command.run(&arguments).rawValue
    } catch let error as CLIError {
        standardError(error.message)
        return error.code.rawValue
    } catch {
        standardError("vigie \(command.name): \(error)")
        return ExitCode.failure.rawValue
    }
}

exit(runMain())
