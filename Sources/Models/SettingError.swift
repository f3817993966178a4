/// A setting of a pass that is out of range: its name as a recipe spells it (`keep_tokens`) and
/// what was expected. Each pass's settings type has one `validate()` throwing these; a recipe
/// reports them under the key path (`prune.keep_tokens: …`), the command line under the flag
/// (`--keep-tokens: …`).
public struct SettingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var setting: String
    public var reason: String

    public init(_ setting: String, _ reason: String) {
        self.setting = setting
        self.reason = reason
    }

    public var description: String { "\(setting): \(reason)" }
}

extension SettingError {
    /// A number as a user would write it: `0` rather than `0.0`, `0.1` for `Float(0.1)`.
    public static func text<Value: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Value) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// Requires `value >= minimum` (finite).
    public static func check<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ setting: String, _ value: Value, atLeast minimum: Value) throws(SettingError) {
        guard value >= minimum, value.isFinite else {
            throw SettingError(setting, "expected a number >= \(text(minimum)), got \(text(value))")
        }
    }

    /// Requires `value > minimum` (finite).
    public static func check<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ setting: String, _ value: Value, above minimum: Value) throws(SettingError) {
        guard value > minimum, value.isFinite else {
            throw SettingError(setting, "expected a number > \(text(minimum)), got \(text(value))")
        }
    }

    /// Requires a fraction in [0, 1).
    public static func checkFraction<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ setting: String, _ value: Value) throws(SettingError) {
        guard value >= 0 && value < 1 else { throw SettingError(setting, "expected a fraction in [0, 1), got \(text(value))") }
    }

    /// Requires `minimum <= value <= maximum`.
    public static func check<Value: BinaryInteger>(_ setting: String, _ value: Value, atLeast minimum: Value,
                                                   atMost maximum: Value? = nil) throws(SettingError) {
        if let maximum, !(minimum...maximum).contains(value) {
            throw SettingError(setting, "expected an integer between \(minimum) and \(maximum), got \(value)")
        }
        guard value >= minimum else { throw SettingError(setting, "expected an integer >= \(minimum), got \(value)") }
    }
}
