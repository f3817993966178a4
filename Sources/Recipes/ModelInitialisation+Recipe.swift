import Checkpoint

extension ModelInitialisation {
    /// Reads an `init` object: `{"checkpoint": "teacher.h5", "prefixes": ["vision."]}` (prefixes optional: all).
    init(reading value: JSONValue, keyPath: String, file: String) throws(RecipeError) {
        var reader = try JSONObjectReader(value, keyPath: keyPath, file: file)
        let checkpoint = try reader.string("checkpoint")
        let prefixes = reader.contains("prefixes") ? try reader.strings("prefixes") : []
        try reader.finish()
        self.init(checkpoint: checkpoint, prefixes: prefixes)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["checkpoint": .string(checkpoint)]
        if !prefixes.isEmpty { members["prefixes"] = .array(prefixes.map { .string($0) }) }
        return .object(members)
    }
}
