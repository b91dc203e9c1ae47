/// The process exit codes of DESIGN.md §3.
enum ExitCode: Int32, Sendable {
    case ok = 0
    case failure = 1
    case usage = 2
    case network = 3
    case payload = 4
    case database = 5
}

/// An error that ends a command with one line on stderr and an exit code.
struct CLIError: Error, CustomStringConvertible {
    let code: ExitCode
    let message: String

    init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    static func usage(_ message: String) -> CLIError { CLIError(.usage, message) }

    var description: String { message }
}
