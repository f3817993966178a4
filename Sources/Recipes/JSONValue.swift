/// A parsed JSON document. Numbers keep their literal text (`8`, `8.0`, `1e-3`), so that integers
/// of any width read exactly and an error can quote the value as the user wrote it.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number literal in JSON syntax, e.g. `-3`, `0.5`, `1e-3`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A number written the shortest way that reads back to the same value (`Float(0.001)` → `0.001`).
    static func number<Value: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Value) -> JSONValue {
        .number("\(value)")
    }

    static func number<Value: BinaryInteger>(_ value: Value) -> JSONValue { .number("\(value)") }

    /// The value as `Integer` if it is a whole number in its range: `8` and `8.0` give 8; `8.5` gives nil.
    func exactInteger<Integer: FixedWidthInteger>(_: Integer.Type) -> Integer? {
        guard case let .number(text) = self else { return nil }
        if let value = Integer(text) { return value }  // exact for every width, e.g. UInt64.max
        guard let value = Double(text), value.rounded() == value else { return nil }
        return Integer(exactly: value)
    }

    /// The value of a number, nil for other kinds.
    var double: Double? {
        guard case let .number(text) = self else { return nil }
        return Double(text)
    }

    /// The value as a user would recognise it in an error message: compact JSON, cut at 40 characters.
    var quoted: String {
        let text = serialized()
        return text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }

    /// JSON text with sorted keys; `pretty` puts each member on its own line, indented by two spaces.
    func serialized(pretty: Bool = false) -> String {
        var output = ""
        write(to: &output, pretty: pretty, indent: "")
        return output
    }

    private func write(to output: inout String, pretty: Bool, indent: String) {
        let inner = indent + "  ", separator = pretty ? ",\n" : ","
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .number(text): output += text
        case let .string(text): Self.writeString(text, to: &output)
        case let .array(elements):
            if elements.isEmpty { output += "[]"; return }
            output += pretty ? "[\n" : "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += separator }
                if pretty { output += inner }
                element.write(to: &output, pretty: pretty, indent: inner)
            }
            output += pretty ? "\n\(indent)]" : "]"
        case let .object(members):
            if members.isEmpty { output += "{}"; return }
            output += pretty ? "{\n" : "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += separator }
                if pretty { output += inner }
                Self.writeString(key, to: &output)
                output += pretty ? ": " : ":"
                members[key]!.write(to: &output, pretty: pretty, indent: inner)
            }
            output += pretty ? "\n\(indent)}" : "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7).
    private static func writeString(_ text: String, to output: inout String) {
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
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
