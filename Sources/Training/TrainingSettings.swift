import Models

/// How to run an optimisation: AdamW with linear warmup, global-norm gradient clipping.
/// A recipe's `teacher.train` keys, shared by `distill`; the names in `validate()` are those keys.
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
    /// - Throws: the first setting out of range, by its recipe key (`lr`).
    public func validate() throws(SettingError) {
        try SettingError.check("epochs", epochs, atLeast: 1, atMost: 10_000)
        try SettingError.check("batch_size", batchSize, atLeast: 1)
        try SettingError.check("lr", learningRate, above: 0)
        try SettingError.check("weight_decay", weightDecay, atLeast: 0)
        try SettingError.check("warmup_steps", warmupSteps, atLeast: 0)
        try SettingError.check("grad_clip", gradientClip, above: 0)
    }
}
