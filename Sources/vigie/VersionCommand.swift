/// `vigie version`: prints the version.
enum VersionCommand: Command {
    static let name = "version"
    static let summary = "print the version"
    static let help = """
    usage: vigie version

    Prints the version of Vigie, e.g. "vigie 0.1.0".
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try arguments.finish()
        print("vigie \(VigieVersion.current)")
        return .ok
    }
}

/// The version this build reports, in `vigie version` and the WebSocket hello.
enum VigieVersion {
    static let current = "0.1.0"
}
