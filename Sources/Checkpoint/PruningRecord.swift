import Models

/// What pruning removed from a checkpoint's model; stored as the JSON root attribute `pruning`
/// (see docs/checkpoint-format.md). Sparsity is measured against `originalConfig`.
public struct PruningRecord: Codable, Equatable, Sendable {
    /// The architecture before any pruning (kept across repeated prunes).
    public var originalConfig: ModelConfig
    /// Fraction of attention heads removed, as requested.
    public var heads: Double
    /// `importance` or `random`.
    public var headsMethod: String
    /// Fraction of vision patches kept after `afterLayer`, if tokens were pruned.
    public var keepTokens: Double?
    public var afterLayer: Int?
    /// `attention` or `text`, if tokens were pruned.
    public var tokenScoring: String?
    /// Fraction of MLP hidden units removed.
    public var mlp: Double
    public var steps: Int
    /// Calibration file and the number of its samples used.
    public var calibration: String
    public var samples: Int
    public var seed: UInt64
    /// Teacher and epochs of distillation recovery after each round (nil/0: none).
    public var teacher: String?
    public var recoverEpochs: Int
    /// Test file and accuracies on it: before pruning, pruned without recovery, after recovery.
    public var test: String?
    public var accuracyBefore: Double?
    public var accuracyPruned: Double?
    public var accuracyRecovered: Double?

    public init(originalConfig: ModelConfig, heads: Double, headsMethod: String, keepTokens: Double?, afterLayer: Int?, mlp: Double,
                steps: Int, calibration: String, samples: Int, seed: UInt64, teacher: String?, recoverEpochs: Int) {
        self.originalConfig = originalConfig; self.heads = heads; self.headsMethod = headsMethod; self.keepTokens = keepTokens
        self.afterLayer = afterLayer; self.mlp = mlp; self.steps = steps; self.calibration = calibration; self.samples = samples
        self.seed = seed; self.teacher = teacher; self.recoverEpochs = recoverEpochs
    }

    enum CodingKeys: String, CodingKey {
        case originalConfig = "original_config", heads, headsMethod = "heads_method", keepTokens = "keep_tokens"
        case afterLayer = "after_layer", tokenScoring = "token_scoring", mlp, steps, calibration, samples, seed, teacher
        case recoverEpochs = "recover_epochs", test, accuracyBefore = "accuracy_before", accuracyPruned = "accuracy_pruned"
        case accuracyRecovered = "accuracy_recovered"
    }
}
