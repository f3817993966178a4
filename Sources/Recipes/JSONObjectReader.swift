import Models

/// Reads one JSON object of a recipe through typed accessors whose errors name the key path
/// (`teacher.train.lr: expected a number > 0, got -1`). It remembers every key it was asked for,
/// present or not, so `finish()` can report the rest as unknown and suggest the nearest known key.
///
/// Each section reads its keys, then its owner calls `finish()`:
/// ```
/// var reader = try JSONObjectReader(value, keyPath: "distill", file: file)
/// let epochs = try reader.integer("epochs", minimum: 1, maximum: 10_000)
/// try reader.finish()   // distill: unknown key "epoch" (did you mean "epochs"?)
/// ```
struct JSONObjectReader {
    /// The lower end of a number's range.
    enum LowerBound {
        case atLeast(Float)
        case above(Float)

        func admits(_ value: Float) -> Bool {
            switch self {
            case let .atLeast(minimum): value >= minimum
            case let .above(minimum): value > minimum
            }
        }

        var text: String {
            switch self {
            case let .atLeast(minimum): ">= \(Self.format(minimum))"
            case let .above(minimum): "> \(Self.format(minimum))"
            }
        }

        /// `0` rather than `0.0` in messages.
        private static func format(_ value: Float) -> String {
            value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : "\(value)"
        }
    }

    /// The recipe file, for errors.
    let file: String
    /// Dotted path of this object (`distill.losses`); empty for the document root.
    let keyPath: String
    private let members: [String: JSONValue]
    /// Keys asked for so far, in order: the known keys of this object once reading is done.
    private var requested: [String] = []

    /// Fails unless `value` is an object; `expected` describes the object in that error.
    init(_ value: JSONValue, keyPath: String, file: String, expected: String = "an object") throws(RecipeError) {
        self.file = file
        self.keyPath = keyPath
        guard case let .object(members) = value else {
            throw RecipeError(file: file, keyPath: keyPath, message: "expected \(expected), got \(value.quoted)")
        }
        self.members = members
    }

    /// The key path of a member (`distill` + `epochs` → `distill.epochs`).
    func path(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// An error about member `key`, or about this object when `key` is nil.
    func error(_ key: String?, _ message: String) -> RecipeError {
        RecipeError(file: file, keyPath: key.map(path) ?? keyPath, message: message)
    }

    /// Whether `key` is present; counts as asking for it.
    mutating func contains(_ key: String) -> Bool {
        note(key)
        return members[key] != nil
    }

    /// The member `key`, or nil when absent.
    mutating func optional(_ key: String) -> JSONValue? {
        note(key)
        return members[key]
    }

    /// The member `key`. When it is missing but an unread key is a likely typo of it, the typo is
    /// reported instead (`unknown key "epoch" (did you mean "epochs"?)`), as that is the real mistake.
    mutating func required(_ key: String) throws(RecipeError) -> JSONValue {
        if let value = optional(key) { return value }
        let unread = members.keys.sorted().filter { !requested.contains($0) }
        if let typo = unread.first(where: { $0.closest(among: [key]) != nil }) {
            throw unknownKeyError(typo, suggestion: key)
        }
        throw error(nil, "missing required key \"\(key)\"")
    }

    /// A non-empty string.
    mutating func string(_ key: String) throws(RecipeError) -> String {
        let value = try required(key)
        guard case let .string(text) = value, !text.isEmpty else {
            throw error(key, "expected a non-empty string, got \(value.quoted)")
        }
        return text
    }

    /// A non-empty list of non-empty strings; an element's error names its index.
    mutating func strings(_ key: String) throws(RecipeError) -> [String] {
        let value = try required(key)
        guard case let .array(elements) = value, !elements.isEmpty else {
            throw error(key, "expected a non-empty list of strings, got \(value.quoted)")
        }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard case let .string(text) = element, !text.isEmpty else {
                throw RecipeError(file: file, keyPath: "\(path(key))[\(index)]",
                                  message: "expected a non-empty string, got \(element.quoted)")
            }
            strings.append(text)
        }
        return strings
    }

    /// A whole number in `minimum...maximum`; `8.0` counts as 8. Absent → `defaultValue`, or an error if nil.
    mutating func integer<Integer: FixedWidthInteger>(_ key: String, minimum: Integer = .min, maximum: Integer = .max,
                                                      default defaultValue: Integer? = nil) throws(RecipeError) -> Integer {
        guard let value = try member(key, required: defaultValue == nil) else { return defaultValue! }
        let integer = value.exactInteger(Integer.self)
        if let integer, (minimum...maximum).contains(integer) { return integer }
        // A whole number too large for the type: the message says where the range ends.
        let tooLarge = integer == nil && value.double.map { $0 > 0 && $0.rounded() == $0 } == true
        let range = Integer.isSigned && minimum == .min && maximum == .max && !tooLarge ? ""
            : maximum == .max && !tooLarge ? " >= \(minimum)" : " between \(minimum) and \(maximum)"
        throw error(key, "expected an integer\(range), got \(value.quoted)")
    }

    /// A non-empty list of whole numbers, each `>= minimum`. Absent → `defaultValue`.
    /// An element's error names its index (`bench.batch_sizes[1]: expected an integer >= 1, got 0`).
    mutating func integers<Integer: FixedWidthInteger>(_ key: String, minimum: Integer,
                                                       default defaultValue: [Integer]) throws(RecipeError) -> [Integer] {
        guard let value = optional(key) else { return defaultValue }
        guard case let .array(elements) = value, !elements.isEmpty else {
            throw error(key, "expected a non-empty list of integers >= \(minimum), got \(value.quoted)")
        }
        var integers: [Integer] = []
        for (index, element) in elements.enumerated() {
            guard let integer = element.exactInteger(Integer.self), integer >= minimum else {
                throw RecipeError(file: file, keyPath: "\(path(key))[\(index)]",
                                  message: "expected an integer >= \(minimum), got \(element.quoted)")
            }
            integers.append(integer)
        }
        return integers
    }

    /// A finite 32-bit float in the range `bound` sets (any, when nil). Absent → `defaultValue`, or an error if nil.
    mutating func number(_ key: String, _ bound: LowerBound? = nil, default defaultValue: Float? = nil) throws(RecipeError) -> Float {
        guard let value = try member(key, required: defaultValue == nil) else { return defaultValue! }
        let range = bound.map { " \($0.text)" } ?? ""
        guard let double = value.double, bound?.admits(Float(double)) ?? true else {
            throw error(key, "expected a number\(range), got \(value.quoted)")
        }
        guard Float(double).isFinite else {
            throw error(key, "expected a number\(range) within 32-bit float range, got \(value.quoted)")
        }
        return Float(double)
    }

    /// A finite number read exactly as a `Double` (`0.1` stays 0.1). Absent → `defaultValue`, or an error if nil.
    mutating func double(_ key: String, default defaultValue: Double? = nil) throws(RecipeError) -> Double {
        guard let value = try member(key, required: defaultValue == nil) else { return defaultValue! }
        guard let double = value.double, double.isFinite else { throw error(key, "expected a number, got \(value.quoted)") }
        return double
    }

    /// Runs a settings type's `validate()`; its error is reported under the setting's key path
    /// (this object's own path when the error names no setting).
    func validate(_ check: () throws(SettingError) -> Void) throws(RecipeError) {
        do throws(SettingError) {
            try check()
        } catch {
            throw self.error(error.setting.isEmpty ? nil : error.setting, error.reason)
        }
    }

    /// `true` or `false`. Absent → `defaultValue`.
    mutating func bool(_ key: String, default defaultValue: Bool) throws(RecipeError) -> Bool {
        guard let value = optional(key) else { return defaultValue }
        guard case let .bool(flag) = value else { throw error(key, "expected true or false, got \(value.quoted)") }
        return flag
    }

    /// A nested object, read by its own reader.
    mutating func object(_ key: String) throws(RecipeError) -> JSONObjectReader {
        try JSONObjectReader(try required(key), keyPath: path(key), file: file)
    }

    /// A nested object if present.
    mutating func optionalObject(_ key: String) throws(RecipeError) -> JSONObjectReader? {
        guard let value = optional(key) else { return nil }
        return try JSONObjectReader(value, keyPath: path(key), file: file)
    }

    /// Fails on the first key (in sorted order) that no accessor asked for.
    func finish() throws(RecipeError) {
        if let unknown = members.keys.sorted().first(where: { !requested.contains($0) }) {
            throw unknownKeyError(unknown, suggestion: unknown.closest(among: requested))
        }
    }

    private func unknownKeyError(_ key: String, suggestion: String?) -> RecipeError {
        error(nil, "unknown key \"\(key)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""))
    }

    /// The member; when absent, nil if it is optional or a missing-key error if it is `required`.
    private mutating func member(_ key: String, required isRequired: Bool) throws(RecipeError) -> JSONValue? {
        isRequired ? try required(key) : optional(key)
    }

    private mutating func note(_ key: String) {
        if !requested.contains(key) { requested.append(key) }
    }
}

extension JSONObjectReader {
    /// One of an enumeration's raw values. Absent → `defaultValue`.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: Choice) throws(RecipeError) -> Choice
        where Choice.RawValue == String {
        guard let value = optional(key) else { return defaultValue }
        guard case let .string(text) = value, let choice = Choice(rawValue: text) else {
            let known = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(key, "expected one of \(known), got \(value.quoted)")
        }
        return choice
    }
}
