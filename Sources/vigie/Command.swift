/// A `vigie` subcommand: its name, its help, and what it does.
protocol Command {
    /// The word after `vigie` that selects this command.
    static var name: String { get }
    /// One line for `vigie --help`.
    static var summary: String { get }
    /// The full text of `vigie NAME --help`: usage line, options, examples.
    static var help: String { get }
    /// Runs the command; the returned value is the process exit code.
    static func run(_ arguments: inout Arguments) throws -> ExitCode
}
