/// Where and why a JSON text is malformed; `line` and `column` count from 1 (columns in characters).
struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var reason: String

    var description: String { "invalid JSON at line \(line), column \(column): \(reason)" }
}

/// A strict RFC 8259 parser. Unlike `JSONSerialization` it tells the line and column of a mistake,
/// keeps number literals as written, and rejects what would silently change a recipe:
/// duplicate keys (the last would win) and trailing commas.
struct JSONParser {
    /// Deeper nesting is rejected rather than risking the stack; recipes are a few levels deep.
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var position = 0

    /// Parses one JSON value filling the whole text (a UTF-8 byte-order mark is skipped).
    static func parse(_ text: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: text)
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < text.count { throw parser.error("unexpected \(parser.found) after the end of the document") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("expected a value, found the end of the file") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        default: throw error("expected a value, found \(found)")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        try checkDepth(depth)
        position += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume("}") { return .object(members) }
        while true {
            skipWhitespace()
            let keyStart = position
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a key in double quotes, found \(found)")
            }
            let key = try parseString()
            if members[key] != nil { throw error("duplicate key \"\(key)\"", at: keyStart) }
            skipWhitespace()
            guard consume(":") else { throw error("expected \":\" after key \"\(key)\", found \(found)") }
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            if consume("}") { return .object(members) }
            guard consume(",") else { throw error("expected \",\" or \"}\" after the value of \"\(key)\", found \(found)") }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        try checkDepth(depth)
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume("]") { return .array(elements) }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if consume("]") { return .array(elements) }
            guard consume(",") else { throw error("expected \",\" or \"]\" in an array, found \(found)") }
        }
    }

    /// `"…"` with the escapes of RFC 8259 §7, including UTF-16 surrogate pairs (`\ud83d\ude00`).
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("invalid UTF-8 in a string", at: start) }
                return text
            } else if byte == UInt8(ascii: "\\") {
                utf8 += Array(String(try parseEscape()).utf8)
            } else if byte < 0x20 {
                throw error("control character in a string (write it as an escape such as \\n)")
            } else {
                utf8.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let start = position
        position += 1  // backslash
        guard position < bytes.count else { throw error("unterminated string", at: start) }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHexUnit(escapeStart: start)
            if (0xD800..<0xDC00).contains(unit) {
                guard consume("\\"), consume("u") else { throw error("unpaired UTF-16 surrogate in \\u escape", at: start) }
                let low = try parseHexUnit(escapeStart: start)
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired UTF-16 surrogate in \\u escape", at: start) }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw error("unpaired UTF-16 surrogate in \\u escape", at: start) }
            return scalar
        default: throw error("unknown escape \\\(Character(Unicode.Scalar(letter)))", at: start)
        }
    }

    /// The four hex digits after `\u`.
    private mutating func parseHexUnit(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count,
              let unit = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw error("expected four hex digits after \\u", at: escapeStart)
        }
        position += 4
        return unit
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        func digits(_ parser: inout JSONParser) -> Int {
            let first = parser.position
            while parser.position < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position]) {
                parser.position += 1
            }
            return parser.position - first
        }
        _ = consume("-")
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("expected a digit, found \(found)") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            throw error("numbers cannot have leading zeros", at: start)
        }
        if consume(".") && digits(&self) == 0 { throw error("expected a digit after the decimal point, found \(found)") }
        if consume("e") || consume("E") {
            if !consume("+") { _ = consume("-") }
            if digits(&self) == 0 { throw error("expected a digit in the exponent, found \(found)") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let utf8 = Array(word.utf8)
        guard bytes[position...].starts(with: utf8) else { throw error("expected a value, found \(found)") }
        position += utf8.count
    }

    private func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
        if depth > Self.maximumDepth { throw error("nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// The character at the current position, quoted, for "found …" in messages.
    private var found: String {
        guard position < bytes.count else { return "the end of the file" }
        var end = position + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }  // UTF-8 continuation bytes
        let character = String(decoding: bytes[position..<end], as: UTF8.self)
        return character == "\"" ? "'\"'" : "\"\(character)\""
    }

    private func error(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        let offset = min(offset ?? position, bytes.count)
        let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let line = bytes[..<offset].count(where: { $0 == 0x0A }) + 1
        let column = bytes[lineStart..<offset].count(where: { $0 & 0xC0 != 0x80 }) + 1
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }
}
