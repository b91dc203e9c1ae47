import Foundation

/// `vigie cron print|install|uninstall`: keeps Vigie's schedule as one marked block (`# BEGIN vigie` ...
/// `# END vigie`) in the user's crontab, idempotently, leaving every other line alone.
/// The crontab command is `crontab` unless VIGIE_CRONTAB_CMD names another (tests use a fake one).
public struct CrontabInstaller: Sendable {
    public static let beginMarker = "# BEGIN vigie"
    public static let endMarker = "# END vigie"

    public var projectDirectory: String
    public var crontabCommand: String

    public init(projectDirectory: String, crontabCommand: String = "crontab") {
        self.projectDirectory = projectDirectory
        self.crontabCommand = crontabCommand
    }

    public var schedulePath: String { "\(projectDirectory)/cron/vigie.crontab" }

    /// The block as installed: the schedule lines of cron/vigie.crontab with the project path substituted.
    public func block() throws(JobFailure) -> String {
        guard let text = try? String(contentsOfFile: schedulePath, encoding: .utf8) else {
            throw JobFailure(.usage, "cannot read \(schedulePath): run from the project directory or set VIGIE_PROJECT")
        }
        do { _ = try Crontab(text: text, projectDirectory: projectDirectory) } catch {
            throw JobFailure(.usage, "\(schedulePath): \(error.message)")
        }
        let escaped = Crontab.shellEscaped(projectDirectory)
        var lines = [Self.beginMarker,
                     "# Managed by 'vigie cron install' from \(schedulePath); 'vigie cron uninstall' removes this block."]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            lines.append(trimmed.replacingOccurrences(of: Crontab.projectToken, with: escaped))
        }
        lines.append(Self.endMarker)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces any existing Vigie block with the current one; returns the new crontab text.
    @discardableResult
    public func install() throws(JobFailure) -> String {
        let current = try readCrontab()
        var kept = Self.removingBlock(from: current)
        if !kept.isEmpty && !kept.hasSuffix("\n") { kept += "\n" }
        let updated = kept + (try block())
        try writeCrontab(updated)
        return updated
    }

    /// Removes the Vigie block, keeping every other line; returns the new crontab text.
    @discardableResult
    public func uninstall() throws(JobFailure) -> String {
        let current = try readCrontab()
        let updated = Self.removingBlock(from: current)
        if updated != current { try writeCrontab(updated) }
        return updated
    }

    /// The text without the lines from `# BEGIN vigie` to `# END vigie` (every such block, should there be several).
    public static func removingBlock(from text: String) -> String {
        var kept: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == beginMarker { inside = true; continue }
            if inside {
                if trimmed == endMarker { inside = false }
                continue
            }
            kept.append(line)
        }
        var result = kept.joined(separator: "\n")
        while result.hasSuffix("\n\n") { result.removeLast() }
        return result == "\n" ? "" : result
    }

    /// `crontab -l`; "no crontab for USER" is an empty crontab, not an error.
    func readCrontab() throws(JobFailure) -> String {
        let (status, output, errors) = try runCrontab(["-l"], input: nil)
        if status == 0 { return output }
        if errors.lowercased().contains("no crontab") { return "" }
        throw JobFailure(.other, "'\(crontabCommand) -l' failed (exit \(status)): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    func writeCrontab(_ text: String) throws(JobFailure) {
        let (status, _, errors) = try runCrontab(["-"], input: text)
        guard status == 0 else {
            throw JobFailure(.other, "'\(crontabCommand) -' failed (exit \(status)): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    private func runCrontab(_ arguments: [String], input: String?) throws(JobFailure) -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [crontabCommand] + arguments
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        do { try process.run() } catch {
            throw JobFailure(.other, "cannot run '\(crontabCommand)': \(error.localizedDescription)")
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errorData, as: UTF8.self)
        if process.terminationStatus == 127 && errorText.contains("No such file") {
            throw JobFailure(.other, "no '\(crontabCommand)' command: install cron (apt-get install cron), "
                + "or run 'vigie up', which schedules the jobs itself")
        }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorText)
    }
}
