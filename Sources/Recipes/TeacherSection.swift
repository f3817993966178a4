import Foundation
import Models

/// The `teacher` section: the large model to distil from, and how to train it if needed.
public struct TeacherSection: Sendable, Equatable {
    /// Checkpoint of the trained teacher: read if it exists, otherwise written by training it.
    public var checkpoint: String
    public var model: ModelConfig
    /// The model config file's path as written in the recipe, or `"inline"`.
    public var modelSource: String
    /// How to train the teacher; nil when the recipe relies on an existing `checkpoint`.
    public var train: TrainingSettings?

    public init(checkpoint: String, model: ModelConfig, modelSource: String, train: TrainingSettings?) {
        self.checkpoint = checkpoint
        self.model = model
        self.modelSource = modelSource
        self.train = train
    }
}

extension TeacherSection {
    /// Reads the whole `teacher` object.
    init(reading reader: inout JSONObjectReader, currentDirectory: URL) throws(RecipeError) {
        let checkpoint = try reader.string("checkpoint")
        let (model, source) = try ModelConfig.read("model", from: &reader, currentDirectory: currentDirectory)
        var train: TrainingSettings?
        if var trainReader = try reader.optionalObject("train") {
            train = try TrainingSettings(reading: &trainReader)
            try trainReader.finish()
        }
        self.init(checkpoint: checkpoint, model: model, modelSource: source, train: train)
        try reader.finish()
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["checkpoint": .string(checkpoint), "model": model.json]
        members["train"] = train.map { .object($0.jsonMembers) }
        return .object(members)
    }
}
