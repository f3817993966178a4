import Checkpoint
import Training
import Foundation
import Models

/// The `teacher` section: the large model to distil from, and how to train it if needed.
public struct TeacherSection: Sendable, Equatable {
    /// Checkpoint of the trained teacher: read if it exists, otherwise written by training it.
    public var checkpoint: String
    public var model: ModelConfig
    /// The model config file's path as written in the recipe, or `"inline"`.
    public var modelSource: String
    /// How to train the teacher (for a staged run, its `task` stage's settings); nil when the recipe
    /// relies on an existing `checkpoint`.
    public var train: TrainingSettings?
    /// `teacher.train.stages`: the stages of a staged run, the `task` last; empty for a single schedule.
    public var stages: [TrainingStage]
    /// The teacher's own training samples (`teacher.train.data`); nil: `data.train`.
    public var trainData: TeacherTrainingData?
    /// Starting weights from a checkpoint when the teacher is trained (`init`); nil: random.
    public var initialisation: ModelInitialisation?

    public init(checkpoint: String, model: ModelConfig, modelSource: String, train: TrainingSettings?,
                trainData: TeacherTrainingData? = nil, initialisation: ModelInitialisation? = nil, stages: [TrainingStage] = []) {
        self.checkpoint = checkpoint
        self.model = model
        self.modelSource = modelSource
        self.train = train
        self.trainData = trainData
        self.initialisation = initialisation
        self.stages = stages
    }
}

extension TeacherSection {
    /// Reads the whole `teacher` object.
    init(reading reader: inout JSONObjectReader, currentDirectory: URL) throws(RecipeError) {
        let checkpoint = try reader.string("checkpoint")
        let (model, source) = try ModelConfig.read("model", from: &reader, currentDirectory: currentDirectory)
        var train: TrainingSettings?, trainData: TeacherTrainingData?, stages: [TrainingStage] = []
        if var trainReader = try reader.optionalObject("train") {
            let schedule = try Schedule(reading: &trainReader)
            (train, stages) = (schedule.training, schedule.stages)
            if let data = trainReader.optional("data") {
                trainData = try TeacherTrainingData(reading: data, keyPath: trainReader.path("data"), file: trainReader.file)
                let staged = trainData!.curriculum.reduce(0) { $0 + $1.epochs }
                if staged > train!.epochs {
                    throw trainReader.error("data", "the curriculum's stages take \(staged) epochs, "
                        + "more than the \(train!.epochs) of teacher.train.epochs")
                }
            }
            try trainReader.finish()
        }
        let initialisation = try reader.optional("init").map { (value) throws(RecipeError) in
            try ModelInitialisation(reading: value, keyPath: reader.path("init"), file: reader.file)
        }
        self.init(checkpoint: checkpoint, model: model, modelSource: source, train: train, trainData: trainData,
                  initialisation: initialisation, stages: stages)
        try reader.finish()
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["checkpoint": .string(checkpoint), "model": model.json]
        members["init"] = initialisation?.json
        members["train"] = train.map { settings in
            .object(Schedule.jsonMembers(training: settings, stages: stages).merging(trainData.map { ["data": $0.json] } ?? [:])
                    { own, _ in own })
        }
        return .object(members)
    }
}
