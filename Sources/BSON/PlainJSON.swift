/// Renders BSON as ordinary JSON for browsers: dates as ISO strings, ObjectIds as hex, all numbers native.
public enum PlainJSON {
    /// Appends the JSON text of `value` to `output`.
    public static func write(_ value: BSONValue, into output: inout String) {
        switch value {
        case .double(let number):
            writeNumber(number, into: &output)
        case .int32(let number):
            output += String(number)
        case .int64(let number):
            output += String(number)
        case .decimal128(let number):
            output += Double(number.description).map { $0.isFinite ? String($0) : "null" } ?? "null"
        case .string(let text), .javascript(let text):
            quote(text, into: &output)
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .null, .undefined, .minKey, .maxKey:
            output += "null"
        case .datetime(let milliseconds):
            quote(ISODate.format(milliseconds), into: &output)
        case .objectId(let id):
            quote(id.hex, into: &output)
        case .timestamp(let seconds, _):
            output += String(seconds)
        case .regex(let pattern, let options):
            quote("/\(pattern)/\(options)", into: &output)
        case .binary(_, let data):
            quote(base64(data), into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .document(let document):
            write(document, into: &output)
        }
    }

    public static func write(_ document: Document, into output: inout String) {
        output += "{"
        for (index, pair) in document.pairs.enumerated() {
            if index > 0 { output += "," }
            quote(pair.key, into: &output)
            output += ":"
            write(pair.value, into: &output)
        }
        output += "}"
    }

    /// The JSON text of a document.
    public static func string(_ document: Document) -> String {
        var output = ""
        write(document, into: &output)
        return output
    }

    /// A JSON number; non-finite doubles have no JSON form and become null.
    public static func writeNumber(_ number: Double, into output: inout String) {
        guard number.isFinite else { output += "null"; return }
        if number == number.rounded(), abs(number) < 1e15 {
            output += String(Int64(number))
        } else {
            output += String(number)
        }
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func quote(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    private static func base64(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output = [UInt8]()
        var index = 0
        while index < data.count {
            let chunk = data[index..<min(index + 3, data.count)]
            let bits = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? alphabet[Int(bits >> (18 - 6 * position) & 63)] : 61)
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
