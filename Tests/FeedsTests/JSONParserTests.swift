import Foundation
import Testing
@testable import Feeds

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Data(text.utf8)) }

    @Test func parsesScalarsAndNesting() throws {
        let value = try parse(#" {"a": [1, -2.5, 3e2, true, false, null, "x"], "b": {}} "#)
        #expect(value["a"]?.arrayValue?.count == 7)
        #expect(value["a"]?.arrayValue?[0] == .number(JSONNumber(double: 1, integer: 1)))
        #expect(value["a"]?.arrayValue?[1] == .number(JSONNumber(double: -2.5, integer: nil)))
        #expect(value["a"]?.arrayValue?[2] == .number(JSONNumber(double: 300, integer: nil)))
        #expect(value["a"]?.arrayValue?[3] == .bool(true))
        #expect(value["a"]?.arrayValue?[5] == .null)
        #expect(value["b"] == .object([:]))
    }

    @Test func keepsLargeIntegersExact() throws {
        let value = try parse(#"[20702946965, 9007199254740993, -9223372036854775808]"#)
        guard case .number(let big)? = value.arrayValue?[0], case .number(let beyondDouble)? = value.arrayValue?[1],
              case .number(let minimum)? = value.arrayValue?[2] else {
            Issue.record("numbers expected, got \(value)")
            return
        }
        #expect(big.integerText == "20702946965")
        #expect(beyondDouble.integerText == "9007199254740993")  // not representable as a Double
        #expect(minimum.integer == Int64.min)
    }

    @Test func decodesEscapes() throws {
        let value = try parse(#"["a\"b\\c\/d\n", "\u00e9\u00E8", "\ud83d\ude00", "μg/m³"]"#)
        #expect(value.arrayValue?.compactMap(\.stringValue) == ["a\"b\\c/d\n", "éè", "😀", "μg/m³"])
    }

    @Test(arguments: [
        (#"{"a": [1, 2"#, "end of input"),
        (#"{"a": 1,}"#, "member name"),
        (#"[1 2]"#, "','"),
        (#"{"a": tru}"#, "literal"),
        (#"[01x]"#, "','"),
        (#""abc"#, "end of input"),
        (#"[1] [2]"#, "after the JSON value"),
        (#"[-]"#, "invalid number"),
    ])
    func rejectsMalformedInput(text: String, expected: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func reportsTheOffsetOfTruncation() {
        do {
            _ = try parse(#"{"features": [{"id": "a"}, {"id": "#)
            Issue.record("truncated JSON parsed")
        } catch let error as JSONParseError {
            #expect(error.offset == 34)
            #expect(error.description.contains("truncated"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
