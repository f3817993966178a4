import Foundation
import Models

extension ModelConfig {
    /// Reads member `key` of `reader`: the path of a model config file (relative to `currentDirectory`)
    /// or an inline config object. Returns the config and its source: the path, or `"inline"`.
    ///
    /// Config errors carry the member's key path (`teacher.model.patch_size: …`) and, for a file,
    /// the file's name (`… (in recipes/models/teacher.json)`).
    static func read(_ key: String, from reader: inout JSONObjectReader,
                     currentDirectory: URL) throws(RecipeError) -> (config: ModelConfig, source: String) {
        let value = try reader.required(key)
        let keyPath = reader.path(key)
        func failure(_ message: String, key configKey: String = "") -> RecipeError {
            RecipeError(file: reader.file, keyPath: configKey.isEmpty ? keyPath : "\(keyPath).\(configKey)", message: message)
        }
        func decode(_ object: JSONValue, origin: String?) throws(RecipeError) -> ModelConfig {
            do {
                return try ModelConfig.decode(json: Data(object.serialized().utf8))
            } catch let ModelError.invalidConfig(configKey, reason) {
                throw failure(reason + (origin.map { " (in \($0))" } ?? ""), key: configKey)
            } catch {
                throw failure("\(error)" + (origin.map { " (in \($0))" } ?? ""))
            }
        }

        switch value {
        case .object:
            return (try decode(value, origin: nil), "inline")
        case let .string(path) where !path.isEmpty:
            let isAbsolute = path.hasPrefix("/")
            let url = isAbsolute ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let base = isAbsolute ? "" : " (relative paths start at the current directory, \(currentDirectory.path))"
                throw failure("cannot read model config \"\(path)\": no such file\(base)")
            }
            let object: JSONValue
            do {
                object = try JSONParser.parse(Array(try Data(contentsOf: url)))
            } catch let syntax as JSONSyntaxError {
                throw failure("\(path): \(syntax)")
            } catch {
                throw failure("cannot read model config \"\(path)\": \(error.localizedDescription)")
            }
            guard case .object = object else { throw failure("\(path): expected a model config object, got \(object.quoted)") }
            return (try decode(object, origin: path), path)
        default:
            throw failure("expected the path of a model config file or an inline config object, got \(value.quoted)")
        }
    }

    /// The config as a JSON object with every key, as recorded in a normalised recipe.
    var json: JSONValue {
        // JSONEncoder's output is valid JSON, so parsing it cannot fail.
        try! JSONParser.parse(Array(jsonString().utf8))
    }
}
