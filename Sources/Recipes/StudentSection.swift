import Foundation
import Models

/// The `student` section: the small model distillation produces.
public struct StudentSection: Sendable, Equatable {
    public var model: ModelConfig
    /// The model config file's path as written in the recipe, or `"inline"`.
    public var modelSource: String

    public init(model: ModelConfig, modelSource: String) {
        self.model = model
        self.modelSource = modelSource
    }
}

extension StudentSection {
    /// Reads the whole `student` object.
    init(reading reader: inout JSONObjectReader, currentDirectory: URL) throws(RecipeError) {
        let (model, source) = try ModelConfig.read("model", from: &reader, currentDirectory: currentDirectory)
        self.init(model: model, modelSource: source)
        try reader.finish()
    }

    var json: JSONValue { .object(["model": model.json]) }
}
