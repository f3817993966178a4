/// Errors of the model layer; each names the config key or parameter it is about.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case invalidConfig(key: String, reason: String)
    case missingParameter(name: String)
    case unexpectedParameter(name: String)
    case mismatchedShape(name: String, expected: [Int], actual: [Int])
    /// No parameter's name starts with the prefix an initialisation names.
    case unmatchedPrefix(String)

    public var description: String {
        switch self {
        case let .invalidConfig(key, reason): "model config\(key.isEmpty ? "" : " key '\(key)'"): \(reason)"
        case let .missingParameter(name): "missing tensor '\(name)'"
        case let .unexpectedParameter(name): "unexpected tensor '\(name)'"
        case let .mismatchedShape(name, expected, actual): "tensor '\(name)' has shape \(actual), expected \(expected)"
        case let .unmatchedPrefix(prefix): "no parameter name starts with '\(prefix)'"
        }
    }
}
