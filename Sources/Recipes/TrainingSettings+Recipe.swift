import Models
import Training

extension TrainingSettings {
    /// Reads the training keys of `reader`'s object; the caller reads any others and calls `finish()`.
    /// Each key absent from the object takes its value from `inherited` when given (a stage inherits
    /// its run's keys), else the default; `epochs` is required unless `epochs` is given.
    init(reading reader: inout JSONObjectReader, inheriting inherited: TrainingSettings? = nil, epochs: Int? = nil)
        throws(RecipeError) {
        let defaults = inherited ?? TrainingSettings(epochs: 1, batchSize: 1, learningRate: 1)
        self.init(epochs: try reader.integer("epochs", default: epochs),
                  batchSize: try reader.integer("batch_size", default: inherited?.batchSize),
                  learningRate: try reader.number("lr", default: inherited?.learningRate),
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
