import Models
import Training

/// What to remove from a model and how: `condenser prune`'s options and a recipe's `prune`
/// section alike. The names in `validate()` are the recipe's keys.
public struct PruningSettings: Sendable, Equatable {
    /// How heads are ranked.
    public enum HeadMethod: String, Sendable, CaseIterable {
        /// Expected |∂loss/∂gate| over the calibration set, normalised per layer.
        case importance
        /// Uniformly random scores (the baseline importance must beat).
        case random
    }

    /// Fraction of all attention heads (vision, text and fusion together) to remove, in [0, 1) (`heads`).
    public var heads: Double
    /// `heads_method`.
    public var headMethod: HeadMethod
    /// Fraction of vision patches to keep after `afterLayer`, in (0, 1]; nil: no token pruning (`keep_tokens`).
    public var keepTokens: Double?
    /// Vision layers that still see every patch (attention scoring: 1 ... vision_depth; text: 0 ... vision_depth)
    /// (`after_layer`).
    public var afterLayer: Int
    /// How patches are ranked (`token_scoring`).
    public var tokenScoring: VisionTokenKeep.Scoring
    /// Fraction of each MLP's hidden units to remove, in [0, 1) (`mlp`).
    public var mlp: Double
    /// Pruning rounds, 1...100; the targets grow linearly to the final fractions, with recovery after each round (`steps`).
    public var steps: Int
    /// Calibration samples used to rank heads (the first ones of the calibration set) (`samples`).
    public var samples: Int
    /// Samples per gradient evaluation when ranking heads (`calibration_batch_size`).
    public var calibrationBatchSize: Int
    /// Seeds the random head ranking.
    public var seed: UInt64
    /// Distillation against a teacher after each round; nil: none. Its settings are named
    /// `recover_epochs`, `lr`, `recover_batch_size`, … in errors.
    public var recovery: TrainingSettings?

    public init(heads: Double = 0, headMethod: HeadMethod = .importance, keepTokens: Double? = nil, afterLayer: Int = 1,
                tokenScoring: VisionTokenKeep.Scoring = .attention, mlp: Double = 0, steps: Int = 1, samples: Int = 512,
                calibrationBatchSize: Int = 1, seed: UInt64 = 0, recovery: TrainingSettings? = nil) {
        self.heads = heads; self.headMethod = headMethod; self.keepTokens = keepTokens; self.afterLayer = afterLayer
        self.tokenScoring = tokenScoring; self.mlp = mlp; self.steps = steps; self.samples = samples
        self.calibrationBatchSize = calibrationBatchSize; self.seed = seed; self.recovery = recovery
    }

    /// Recovery's learning rate when none is given (`lr`).
    public static let defaultRecoveryLearningRate: Float = 5e-4

    /// Whether anything at all is removed.
    public var removesAnything: Bool { heads > 0 || mlp > 0 || keepTokens != nil }

    /// The first vision layer after which patches may be dropped: text scoring needs no layer's attention.
    var firstTokenLayer: Int { tokenScoring == .text ? 0 : 1 }

    /// Checks the ranges, whatever the model. - Throws: the first setting out of range.
    public func validate() throws(SettingError) {
        try SettingError.checkFraction("heads", heads)
        try SettingError.checkFraction("mlp", mlp)
        if let keepTokens, !(keepTokens > 0 && keepTokens <= 1) {
            throw SettingError("keep_tokens", "expected a fraction of patches to keep in (0, 1], got \(SettingError.text(keepTokens))")
        }
        guard afterLayer >= firstTokenLayer else {
            throw SettingError("after_layer", "expected an integer >= \(firstTokenLayer), got \(afterLayer)"
                               + (tokenScoring == .text ? "" : " (0 needs text-guided token scoring)"))
        }
        try SettingError.check("steps", steps, atLeast: 1, atMost: 100)
        try SettingError.check("samples", samples, atLeast: 1)
        try SettingError.check("calibration_batch_size", calibrationBatchSize, atLeast: 1)
        do throws(SettingError) {
            try recovery?.validate()
        } catch {
            throw SettingError(error.setting == "lr" ? "lr" : "recover_" + error.setting, error.reason)
        }
        guard removesAnything else { throw SettingError("", "nothing to prune: no heads, MLP units or vision tokens are removed") }
    }

    /// `validate()`, then checks the request against `config`, whose unpruned architecture is `original`;
    /// errors call it `name`.
    public func validate(for config: ModelConfig, original: ModelConfig, named name: String = "the model") throws(SettingError) {
        try validate()
        if heads > 0 {
            let counts = Pruner.headCounts(original)
            let (total, layers) = (counts.reduce(0, +), counts.count)
            let target = Pruner.removeCount(fraction: heads, of: total)
            if target > total - layers {
                throw SettingError("heads", "removes \(target) of \(name)'s \(total) heads, but each of its \(layers) attention "
                                   + "layers must keep one (at most \(total - layers) can go)")
            }
        }
        if keepTokens != nil {
            guard config.visionDepth >= 1 else {
                throw SettingError("keep_tokens", "token pruning needs at least one vision layer; \(name) has none")
            }
            guard afterLayer <= config.visionDepth else {
                throw SettingError("after_layer", "\(name) has \(config.visionDepth) vision layers, so after_layer must be "
                                   + "between \(firstTokenLayer) and \(config.visionDepth), got \(afterLayer)")
            }
        }
    }
}
