import Foundation
import TensorCore

/// Breaks one thing in a JSON document (a recipe, a model config, a JSON attribute): a value of
/// the wrong type or an absurd size, a missing or unknown key, deep nesting, a huge string,
/// flipped or cut bytes. `description` says what was done, for the report of a failing case.
public enum JSONMutation {
    /// Values that a key should never accept, or accepts only at its edge.
    nonisolated(unsafe) static let hostileValues: [Any] = [
        -1, 0, 1, 3, 1_000_000_000, 1_000_000_000_000, Int64.max, -1e308, 1e308, 1.5, 1e-300, "x", "", NSNull(), true,
        [Any](), [String: Any](), [1, 2, 3], ["nested": ["deeper": 1]],
    ]

    /// Returns the mutated text and what was done.
    public static func mutate(_ text: String, generator: inout RandomGenerator) -> (text: String, description: String) {
        let choice = generator.integer(below: 10)
        if choice >= 7 { return mutateText(text, generator: &generator) }
        guard var document = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return mutateText(text, generator: &generator)
        }
        let paths = keyPaths(document)
        guard let path = paths.randomElement(using: &generator) else { return mutateText(text, generator: &generator) }
        let description: String
        switch choice {
        case 0, 1, 2, 3:
            let value = hostileValues.randomElement(using: &generator)!
            document = replacing(document, at: path, with: value)
            description = "\(path.joined(separator: ".")) = \(value)"
        case 4:
            document = replacing(document, at: path, with: nil)
            description = "removed \(path.joined(separator: "."))"
        case 5:
            document = replacing(document, at: path.dropLast() + ["unknown_key_\(generator.integer(below: 100))"], with: 1)
            description = "added an unknown key beside \(path.joined(separator: "."))"
        default:
            let huge = String(repeating: "ab", count: 1 << 20)
            document = replacing(document, at: path, with: huge)
            description = "\(path.joined(separator: ".")) = a 2 MB string"
        }
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.fragmentsAllowed]) else {
            return mutateText(text, generator: &generator)
        }
        return (String(decoding: data, as: UTF8.self), description)
    }

    /// Mutations of the text itself: deep nesting, flipped bytes, a cut.
    static func mutateText(_ text: String, generator: inout RandomGenerator) -> (text: String, description: String) {
        var bytes = Array(text.utf8)
        switch generator.integer(below: 4) {
        case 0:
            let depth = [64, 1000, 100_000].randomElement(using: &generator)!
            return (String(repeating: "[", count: depth) + String(repeating: "]", count: depth), "nested \(depth) deep")
        case 1 where !bytes.isEmpty:
            let count = 1 + generator.integer(below: 8)
            for _ in 0..<count { bytes[generator.integer(below: bytes.count)] = UInt8.random(in: 0...255, using: &generator) }
            return (String(decoding: bytes, as: UTF8.self), "\(count) bytes replaced")
        case 2 where !bytes.isEmpty:
            let length = generator.integer(below: bytes.count)
            return (String(decoding: bytes.prefix(length), as: UTF8.self), "cut at byte \(length) of \(bytes.count)")
        default:
            return ("{\"a\": " + String(repeating: "9", count: 5000) + "}", "a 5000-digit number")
        }
    }

    /// Every key path to a value inside objects (array elements are addressed by index).
    static func keyPaths(_ value: Any, prefix: [String] = []) -> [[String]] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key in [prefix + [key]] + keyPaths(object[key]!, prefix: prefix + [key]) }
        }
        if let array = value as? [Any] {
            return array.indices.flatMap { index in [prefix + ["\(index)"]] + keyPaths(array[index], prefix: prefix + ["\(index)"]) }
        }
        return []
    }

    /// `value` with the element at `path` set to `replacement` (nil removes it).
    static func replacing(_ value: Any, at path: some Collection<String>, with replacement: Any?) -> Any {
        guard let key = path.first else { return replacement ?? NSNull() }
        let rest = path.dropFirst()
        if var object = value as? [String: Any] {
            if rest.isEmpty {
                object[key] = replacement
            } else if let inner = object[key] {
                object[key] = replacing(inner, at: rest, with: replacement)
            }
            return object
        }
        if var array = value as? [Any], let index = Int(key), array.indices.contains(index) {
            if rest.isEmpty {
                if let replacement { array[index] = replacement } else { array.remove(at: index) }
            } else {
                array[index] = replacing(array[index], at: rest, with: replacement)
            }
            return array
        }
        return value
    }
}
