import Foundation

/// A crontab file as cron reads it: schedule lines, `NAME=value` assignments, comments and blank lines.
/// `@PROJECT@` in commands stands for the project directory, substituted when installed or scheduled.
public struct Crontab: Sendable {
    /// One scheduled command.
    public struct Entry: Sendable {
        public let schedule: CronSchedule
        public let command: String
        public let line: Int
        /// Assignments above this line, which cron exports to the command.
        public let environment: [String: String]
    }

    public static let projectToken = "@PROJECT@"

    public let entries: [Entry]

    /// Parses the text; any bad line is an error naming its line number.
    public init(text: String, projectDirectory: String? = nil) throws(CronScheduleError) {
        var entries: [Entry] = []
        var environment: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let assignment = Self.assignment(line) {
                environment[assignment.0] = assignment.1
                continue
            }
            let fieldCount = line.hasPrefix("@") ? 1 : 5
            var rest = Substring(line)
            var fields: [Substring] = []
            for _ in 0..<fieldCount {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                let field = rest.prefix { $0 != " " && $0 != "\t" }
                guard !field.isEmpty else { throw CronScheduleError("line \(index + 1): expected \(fieldCount == 1 ? "a shortcut" : "5 time fields") and a command") }
                fields.append(field)
                rest = rest.dropFirst(field.count)
            }
            let command = rest.trimmingCharacters(in: .whitespaces)
            guard !command.isEmpty else { throw CronScheduleError("line \(index + 1): no command after the schedule") }
            let schedule: CronSchedule
            do { schedule = try CronSchedule(fields.joined(separator: " ")) } catch {
                throw CronScheduleError("line \(index + 1): \(error.message)")
            }
            let resolved = projectDirectory.map { command.replacingOccurrences(of: Self.projectToken, with: Self.shellEscaped($0)) } ?? command
            entries.append(Entry(schedule: schedule, command: resolved, line: index + 1, environment: environment))
        }
        self.entries = entries
    }

    public init(contentsOf path: String, projectDirectory: String? = nil) throws(CronScheduleError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CronScheduleError("cannot read the crontab \(path)")
        }
        try self.init(text: text, projectDirectory: projectDirectory)
    }

    /// `NAME=value` (cron's environment lines); values may be quoted.
    static func assignment(_ line: String) -> (String, String)? {
        guard let equals = line.firstIndex(of: "=") else { return nil }
        let name = line[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) else { return nil }
        var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, (first == "\"" || first == "'"), value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return (name, value)
    }

    /// A path safe inside a cron command line: shell metacharacters and cron's `%` backslash-escaped.
    public static func shellEscaped(_ path: String) -> String {
        var escaped = ""
        for character in path {
            if character.isLetter || character.isNumber || "/._-+,:@".contains(character) {
                escaped.append(character)
            } else {
                escaped.append("\\")
                escaped.append(character)
            }
        }
        return escaped
    }
}
