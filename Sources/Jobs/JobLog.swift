import Foundation

/// Writes one `key=value` line per event (to stderr by default), the log format of every Vigie job.
public struct JobLog: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(sink: @escaping @Sendable (String) -> Void = JobLog.standardError) {
        self.sink = sink
    }

    /// `event=NAME k=v ...`; values with spaces, quotes or `=` are quoted.
    public func event(_ name: String, _ fields: KeyValuePairs<String, CustomStringConvertible?> = [:]) {
        var line = "event=\(name)"
        for (key, value) in fields {
            guard let value else { continue }
            line += " \(key)=\(Self.quote(value.description))"
        }
        sink(line)
    }

    /// A line that is already formatted.
    public func line(_ text: String) {
        sink(text)
    }

    static func quote(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" || $0 == "\t" }
        guard needsQuotes else { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ")
        return "\"\(escaped)\""
    }

    /// Unbuffered write to file descriptor 2, so lines survive an exit right after.
    public static let standardError: @Sendable (String) -> Void = { line in
        let text = line.hasSuffix("\n") ? line : line + "\n"
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }
}
