import Models

/// What to remove from a model and how (`condenser prune`'s options, or a recipe's `prune` section).
public struct PruningOptions: Sendable, Equatable {
    /// How heads are ranked.
    public enum HeadMethod: String, Sendable, CaseIterable {
        /// Expected |∂loss/∂gate| over the calibration set, normalised per layer.
        case importance
        /// Uniformly random scores (the baseline importance must beat).
        case random
    }

    /// Fraction of all attention heads (vision, text and fusion together) to remove, in [0, 1).
    public var heads: Double
    public var headMethod: HeadMethod
    /// Fraction of vision patches to keep after `afterLayer`, in (0, 1]; nil: no token pruning.
    public var keepTokens: Double?
    /// Vision layers that still see every patch (attention scoring: 1 ... vision_depth; text: 0 ... vision_depth).
    public var afterLayer: Int
    /// How patches are ranked.
    public var tokenScoring: VisionTokenKeep.Scoring
    /// Fraction of each MLP's hidden units to remove, in [0, 1).
    public var mlp: Double
    /// Pruning rounds; the targets grow linearly to the final fractions, with recovery after each round.
    public var steps: Int
    /// Calibration samples used to rank heads (the first ones of the calibration set).
    public var samples: Int
    /// Samples per gradient evaluation when ranking heads.
    public var calibrationBatchSize: Int
    /// Seeds the random head ranking.
    public var seed: UInt64

    public init(heads: Double = 0, headMethod: HeadMethod = .importance, keepTokens: Double? = nil, afterLayer: Int = 1,
                tokenScoring: VisionTokenKeep.Scoring = .attention, mlp: Double = 0, steps: Int = 1, samples: Int = 512, calibrationBatchSize: Int = 1, seed: UInt64 = 0) {
        self.heads = heads; self.headMethod = headMethod; self.keepTokens = keepTokens; self.afterLayer = afterLayer
        self.tokenScoring = tokenScoring
        self.mlp = mlp; self.steps = steps; self.samples = samples; self.calibrationBatchSize = calibrationBatchSize; self.seed = seed
    }

    /// Checks the ranges; errors name the option as `prefix` + name (`--heads`, or `prune.heads` in a recipe).
    public func validate(prefix: String = "--", separator: String = "-") throws(PruningError) {
        func name(_ words: String...) -> String { prefix + words.joined(separator: separator) }
        guard heads >= 0 && heads < 1 else {
            throw .invalidOption(name: name("heads"), reason: "expected a fraction in [0, 1), got \(heads)")
        }
        guard mlp >= 0 && mlp < 1 else {
            throw .invalidOption(name: name("mlp"), reason: "expected a fraction in [0, 1), got \(mlp)")
        }
        if let keepTokens, !(keepTokens > 0 && keepTokens <= 1) {
            throw .invalidOption(name: name("keep", "tokens"), reason: "expected a fraction of patches to keep in (0, 1], got \(keepTokens)")
        }
        let first = tokenScoring == .text ? 0 : 1
        guard afterLayer >= first else {
            throw .invalidOption(name: name("after", "layer"), reason: "expected an integer >= \(first), got \(afterLayer)"
                                 + (tokenScoring == .text ? "" : " (0 needs text-guided token scoring)"))
        }
        guard steps >= 1 else { throw .invalidOption(name: name("steps"), reason: "expected an integer >= 1, got \(steps)") }
        guard samples >= 1 else { throw .invalidOption(name: name("samples"), reason: "expected an integer >= 1, got \(samples)") }
        guard calibrationBatchSize >= 1 else {
            throw .invalidOption(name: name("calibration", "batch", "size"), reason: "expected an integer >= 1, got \(calibrationBatchSize)")
        }
    }

    /// Whether anything at all is removed.
    public var removesAnything: Bool { heads > 0 || mlp > 0 || keepTokens != nil }
}
