import Models
import Training

extension TrainingSettings {
    /// Reads the training keys of `reader`'s object; the caller reads any others and calls `finish()`.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = TrainingSettings(epochs: 1, batchSize: 1, learningRate: 1)
        self.init(epochs: try reader.integer("epochs"), batchSize: try reader.integer("batch_size"),
                  learningRate: try reader.number("lr"),
                  weightDecay: try reader.number("weight_decay", default: defaults.weightDecay),
                  warmupSteps: try reader.integer("warmup_steps", default: defaults.warmupSteps),
                  gradientClip: try reader.number("grad_clip", default: defaults.gradientClip))
        try reader.validate(self.validate)
    }

    /// The members these settings write, every default filled in.
    var jsonMembers: [String: JSONValue] {
        ["epochs": .number(epochs), "batch_size": .number(batchSize), "lr": .number(learningRate),
         "weight_decay": .number(weightDecay), "warmup_steps": .number(warmupSteps), "grad_clip": .number(gradientClip)]
    }
}
