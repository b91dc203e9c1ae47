/// The words after a subcommand, consumed by name; anything left over is a usage error.
struct Arguments {
    private var words: [String]
    let command: String

    init(command: String, words: [String]) {
        self.command = command
        self.words = words
    }

    var wantsHelp: Bool { words.contains("--help") || words.contains("-h") }

    /// Removes `--name` and returns whether it was present.
    mutating func flag(_ name: String) -> Bool {
        guard let index = words.firstIndex(of: name) else { return false }
        words.remove(at: index)
        return true
    }

    /// Removes `--name VALUE` (or `--name=VALUE`) and returns VALUE.
    mutating func option(_ name: String) throws -> String? {
        if let index = words.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            let value = String(words[index].dropFirst(name.count + 1))
            words.remove(at: index)
            return value
        }
        guard let index = words.firstIndex(of: name) else { return nil }
        guard index + 1 < words.count, !words[index + 1].hasPrefix("--") else {
            throw CLIError.usage("vigie \(command): \(name) needs a value (see 'vigie \(command) --help')")
        }
        let value = words[index + 1]
        words.removeSubrange(index...index + 1)
        return value
    }

    /// Removes `--name N` and parses it as a whole number within `range`.
    mutating func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw CLIError.usage("vigie \(command): \(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// Removes and returns the remaining positional words; an unknown `--option` is a usage error.
    mutating func positionals() throws -> [String] {
        if let unknown = words.first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw CLIError.usage("vigie \(command): unknown option '\(unknown)' (see 'vigie \(command) --help')")
        }
        defer { words.removeAll() }
        return words
    }

    /// Fails with a usage error when anything was not consumed.
    func finish() throws {
        if let extra = words.first {
            throw CLIError.usage("vigie \(command): unexpected '\(extra)' (see 'vigie \(command) --help')")
        }
    }
}
