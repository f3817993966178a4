import Checkpoint
import Foundation
import Models

/// The `student` section: the small model distillation produces.
public struct StudentSection: Sendable, Equatable {
    public var model: ModelConfig
    /// The model config file's path as written in the recipe, or `"inline"`.
    public var modelSource: String
    /// Starting weights from a checkpoint (`init`), for the distilled and the scratch students alike; nil: random.
    public var initialisation: ModelInitialisation?

    public init(model: ModelConfig, modelSource: String, initialisation: ModelInitialisation? = nil) {
        self.model = model
        self.modelSource = modelSource
        self.initialisation = initialisation
    }
}

extension StudentSection {
    /// Reads the whole `student` object.
    init(reading reader: inout JSONObjectReader, currentDirectory: URL) throws(RecipeError) {
        let (model, source) = try ModelConfig.read("model", from: &reader, currentDirectory: currentDirectory)
        let initialisation = try reader.optional("init").map { (value) throws(RecipeError) in
            try ModelInitialisation(reading: value, keyPath: reader.path("init"), file: reader.file)
        }
        self.init(model: model, modelSource: source, initialisation: initialisation)
        try reader.finish()
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["model": model.json]
        members["init"] = initialisation?.json
        return .object(members)
    }
}
