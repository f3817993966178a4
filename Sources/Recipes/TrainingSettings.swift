/// How to run an optimisation: AdamW with linear warmup, global-norm gradient clipping.
/// The keys of `teacher.train`, shared by `distill`.
public struct TrainingSettings: Sendable, Equatable {
    /// Passes over the training set, 1...10000 (`epochs`).
    public var epochs: Int
    /// Samples per optimiser step, >= 1 (`batch_size`).
    public var batchSize: Int
    /// Peak AdamW learning rate after warmup, > 0 (`lr`).
    public var learningRate: Float
    /// AdamW decoupled weight decay, >= 0 (`weight_decay`, default 0).
    public var weightDecay: Float
    /// Steps over which the learning rate rises linearly from 0 to `learningRate`, >= 0 (`warmup_steps`, default 0).
    public var warmupSteps: Int
    /// Gradients are scaled by min(1, clip / ‖g‖₂) over all parameters together, > 0 (`grad_clip`, default 1.0).
    public var gradientClip: Float

    public init(epochs: Int, batchSize: Int, learningRate: Float, weightDecay: Float = 0, warmupSteps: Int = 0,
                gradientClip: Float = 1.0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.warmupSteps = warmupSteps
        self.gradientClip = gradientClip
    }
}

extension TrainingSettings {
    /// Reads the training keys of `reader`'s object; the caller reads any others and calls `finish()`.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = TrainingSettings(epochs: 1, batchSize: 1, learningRate: 1)
        self.init(epochs: try reader.integer("epochs", minimum: 1, maximum: 10_000),
                  batchSize: try reader.integer("batch_size", minimum: 1),
                  learningRate: try reader.number("lr", .above(0)),
                  weightDecay: try reader.number("weight_decay", .atLeast(0), default: defaults.weightDecay),
                  warmupSteps: try reader.integer("warmup_steps", minimum: 0, default: defaults.warmupSteps),
                  gradientClip: try reader.number("grad_clip", .above(0), default: defaults.gradientClip))
    }

    /// The members these settings write, every default filled in.
    var jsonMembers: [String: JSONValue] {
        ["epochs": .number(epochs), "batch_size": .number(batchSize), "lr": .number(learningRate),
         "weight_decay": .number(weightDecay), "warmup_steps": .number(warmupSteps), "grad_clip": .number(gradientClip)]
    }
}
