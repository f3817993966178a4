import Foundation
import Testing
@testable import Recipes

/// The strict parser against Foundation's `JSONSerialization` on valid text, and by hand on invalid text.
@Suite struct JSONParserTests {
    static let validDocuments = [
        #"{"a": [1, -2, 3.5, 1e3, -0.25E-2, 0], "b": {"c": null, "d": true, "e": false}, "f": ""}"#,
        #"["tab\t", "quote\"", "slash\/", "back\\", "\u00e9\u4e2d", "\ud83d\ude00", "raw é 中 😀", "\b\f\n\r"]"#,
        " \r\n\t{ } ",
        "[[[[]]], {}]",
        "12345678901234567890",
        "\u{FEFF}{\"bom\": 1}",
    ]

    @Test(arguments: validDocuments)
    func agreesWithFoundation(text: String) throws {
        let ours = try JSONParser.parse(Array(text.utf8))
        let reference = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.same(ours, reference), "\(ours) vs \(reference)")
        // Our serialisation reads back to the same value, in both parsers.
        for pretty in [false, true] {
            let written = ours.serialized(pretty: pretty)
            #expect(try JSONParser.parse(Array(written.utf8)) == ours)
            let reread = try JSONSerialization.jsonObject(with: Data(written.utf8), options: [.fragmentsAllowed])
            #expect(Self.same(ours, reread), "\(written)")
        }
    }

    @Test func numbersKeepTheirLiteral() throws {
        let value = try JSONParser.parse(Array("[8, 8.0, 8.5, 1e3, -0, 18446744073709551615]".utf8))
        #expect(value == .array([.number("8"), .number("8.0"), .number("8.5"), .number("1e3"), .number("-0"),
                                 .number("18446744073709551615")]))
        guard case let .array(numbers) = value else { return }
        #expect(numbers.map { $0.exactInteger(Int.self) } == [8, 8, nil, 1000, 0, nil])
        #expect(numbers[5].exactInteger(UInt64.self) == .max)
        #expect(numbers[4].exactInteger(UInt64.self) == 0)
    }

    @Test(arguments: [
        ("[1,]", "line 1, column 4: expected a value, found \"]\""),
        ("[1 2]", "line 1, column 4: expected \",\" or \"]\" in an array, found \"2\""),
        ("{\"a\" 1}", "line 1, column 6: expected \":\" after key \"a\", found \"1\""),
        ("{\"a\": 1 \"b\": 2}", "line 1, column 9: expected \",\" or \"}\" after the value of \"a\", found '\"'"),
        ("{a: 1}", "line 1, column 2: expected a key in double quotes, found \"a\""),
        ("[01]", "line 1, column 2: numbers cannot have leading zeros"),
        ("[1.]", "line 1, column 4: expected a digit after the decimal point, found \"]\""),
        ("[1e+]", "line 1, column 5: expected a digit in the exponent, found \"]\""),
        ("[-]", "line 1, column 3: expected a digit, found \"]\""),
        ("[tru]", "line 1, column 2: expected a value, found \"t\""),
        ("[NaN]", "line 1, column 2: expected a value, found \"N\""),
        ("\"abc", "line 1, column 1: unterminated string"),
        ("[\"a\\x\"]", "line 1, column 4: unknown escape \\x"),
        ("[\"\\u12\"]", "line 1, column 3: expected four hex digits after \\u"),
        ("[\"\\ud800\"]", "line 1, column 3: unpaired UTF-16 surrogate in \\u escape"),
        ("[\"a\nb\"]", "line 1, column 4: control character in a string (write it as an escape such as \\n)"),
        ("{} {}", "line 1, column 4: unexpected \"{\" after the end of the document"),
        ("// comment\n{}", "line 1, column 1: expected a value, found \"/\""),
        ("\n\n  [1,\n  ", "line 4, column 3: expected a value, found the end of the file"),
    ])
    func rejects(text: String, expected: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
        do {
            _ = try JSONParser.parse(Array(text.utf8))
        } catch {
            #expect(error.description == "invalid JSON at " + expected)
        }
    }

    @Test func invalidUTF8AndDeepNestingAreErrors() {
        #expect(throws: JSONSyntaxError(line: 1, column: 2, reason: "invalid UTF-8 in a string")) {
            try JSONParser.parse([UInt8(ascii: "["), UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), UInt8(ascii: "]")])
        }
        let depth = JSONParser.maximumDepth + 1
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: JSONSyntaxError(line: 1, column: depth, reason: "nested more than \(JSONParser.maximumDepth) levels deep")) {
            try JSONParser.parse(Array(deep.utf8))
        }
        let allowed = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        #expect((try? JSONParser.parse(Array(allowed.utf8))) != nil)
    }

    /// Whether a parsed value equals what `JSONSerialization` produced.
    static func same(_ value: JSONValue, _ reference: Any) -> Bool {
        switch value {
        case .null: return reference is NSNull
        case let .bool(flag):
            return (reference as? NSNumber).map { String(cString: $0.objCType) == "c" && $0.boolValue == flag } ?? false
        case let .number(text):
            guard let number = reference as? NSNumber, String(cString: number.objCType) != "c" else { return false }
            return UInt64(text).map { $0 == number.uint64Value } ?? (Double(text) == number.doubleValue)
        case let .string(text): return (reference as? String) == text
        case let .array(elements):
            guard let array = reference as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case let .object(members):
            guard let object = reference as? [String: Any], Set(object.keys) == Set(members.keys) else { return false }
            return members.allSatisfy { key, member in same(member, object[key]!) }
        }
    }
}
