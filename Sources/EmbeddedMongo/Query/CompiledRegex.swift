import BSON
import Foundation

/// A MongoDB `$regex` compiled once (ICU syntax, close to the PCRE MongoDB uses); options i, m, s, x.
final class CompiledRegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as safe to share between threads.
    private let expression: NSRegularExpression
    let pattern: String
    let options: String

    init(pattern: String, options: String) throws(CommandError) {
        var flags: NSRegularExpression.Options = []
        for option in options {
            switch option {
            case "i": flags.insert(.caseInsensitive)
            case "m": flags.insert(.anchorsMatchLines)
            case "s": flags.insert(.dotMatchesLineSeparators)
            case "x": flags.insert(.allowCommentsAndWhitespace)
            case "u": break
            default: throw CommandError(code: 51108, codeName: "Location51108", message: "invalid flag in regex options: \(option)")
            }
        }
        do {
            expression = try NSRegularExpression(pattern: pattern, options: flags)
        } catch {
            throw CommandError(code: 51091, codeName: "Location51091", message: "Regular expression is invalid: /\(pattern)/")
        }
        self.pattern = pattern
        self.options = options
    }

    /// True when the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }

    /// True for a string the pattern matches, or a regex value identical to this one (as MongoDB does).
    func matches(_ value: BSONValue) -> Bool {
        switch value {
        case .string(let text): return matches(text)
        case .regex(let otherPattern, let otherOptions): return otherPattern == pattern && otherOptions == options
        default: return false
        }
    }
}
