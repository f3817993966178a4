import Models

/// The optional `prune` section: after distillation, `condenser distill` prunes the student and
/// fine-tunes it against the teacher, writing `student-pruned.h5`.
/// `{"heads": 0.5, "keep_tokens": 0.5, "after_layer": 1, "mlp": 0.0, "recover_epochs": 2}`.
public struct PruneSection: Sendable, Equatable {
    /// Fraction of all attention heads removed, in [0, 1) (`heads`, default 0).
    public var heads: Float
    /// `importance` (default) or `random` (`heads_method`).
    public var headsMethod: String
    /// Fraction of vision patches kept after `afterLayer`, in (0, 1] (`keep_tokens`; absent: no token pruning).
    public var keepTokens: Float?
    /// Vision layers that still see every patch, 1 (0 with text scoring) ... student vision_depth (`after_layer`, default 1).
    public var afterLayer: Int
    /// `attention` (default) or `text`: how patches are ranked (`token_scoring`).
    public var tokenScoring: String
    /// Fraction of each MLP's hidden units removed, in [0, 1) (`mlp`, default 0).
    public var mlp: Float
    /// Pruning rounds, >= 1 (`steps`, default 1).
    public var steps: Int
    /// Calibration samples that rank heads, >= 1 (`samples`, default 512).
    public var samples: Int
    /// Distillation epochs after each round, >= 0 (`recover_epochs`, default 0).
    public var recoverEpochs: Int
    /// Recovery's peak learning rate, > 0 (`lr`, default 5e-4).
    public var learningRate: Float

    public init(heads: Float = 0, headsMethod: String = "importance", keepTokens: Float? = nil, afterLayer: Int = 1,
                tokenScoring: String = "attention", mlp: Float = 0,
                steps: Int = 1, samples: Int = 512, recoverEpochs: Int = 0, learningRate: Float = 5e-4) {
        self.heads = heads; self.headsMethod = headsMethod; self.keepTokens = keepTokens; self.afterLayer = afterLayer
        self.tokenScoring = tokenScoring
        self.mlp = mlp; self.steps = steps; self.samples = samples; self.recoverEpochs = recoverEpochs; self.learningRate = learningRate
    }
}

extension PruneSection {
    /// Reads the whole `prune` object and checks it against the student it will prune.
    init(reading reader: inout JSONObjectReader, student: ModelConfig) throws(RecipeError) {
        let defaults = PruneSection()
        func fraction(_ key: String) throws(RecipeError) -> Float {
            let value = try reader.number(key, .atLeast(0), default: 0)
            guard value < 1 else { throw reader.error(key, "expected a fraction in [0, 1), got \(value)") }
            return value
        }
        let heads = try fraction("heads")
        let method = reader.optional("heads_method") ?? .string(defaults.headsMethod)
        guard case let .string(headsMethod) = method, ["importance", "random"].contains(headsMethod) else {
            throw reader.error("heads_method", "expected \"importance\" or \"random\", got \(method.quoted)")
        }
        var keepTokens: Float? = nil
        if reader.contains("keep_tokens") {
            let value = try reader.number("keep_tokens", .above(0))
            guard value <= 1 else { throw reader.error("keep_tokens", "expected a fraction of patches to keep in (0, 1], got \(value)") }
            keepTokens = value
        }
        let scoring = reader.optional("token_scoring") ?? .string(defaults.tokenScoring)
        guard case let .string(tokenScoring) = scoring, ["attention", "text"].contains(tokenScoring) else {
            throw reader.error("token_scoring", "expected \"attention\" or \"text\", got \(scoring.quoted)")
        }
        let first = tokenScoring == "text" ? 0 : 1
        let afterLayer = try reader.integer("after_layer", minimum: first, default: defaults.afterLayer)
        if keepTokens != nil && afterLayer > student.visionDepth {
            throw reader.error("after_layer", "the student has \(student.visionDepth) vision layers, so after_layer must be between \(first) and \(student.visionDepth), got \(afterLayer)")
        }
        let mlp = try fraction("mlp")
        let steps = try reader.integer("steps", minimum: 1, maximum: 100, default: defaults.steps)
        let samples = try reader.integer("samples", minimum: 1, default: defaults.samples)
        let recoverEpochs = try reader.integer("recover_epochs", minimum: 0, maximum: 10_000, default: defaults.recoverEpochs)
        let learningRate = try reader.number("lr", .above(0), default: defaults.learningRate)
        try reader.finish()

        guard heads > 0 || mlp > 0 || keepTokens != nil else {
            throw reader.error(nil, "nothing to prune: set heads, mlp or keep_tokens")
        }
        let layers = student.visionDepth + student.textDepth + 1
        let total = student.visionHeadCounts.reduce(0, +) + student.textHeadCounts.reduce(0, +) + student.fusionHeadCount
        let removed = Int((Double(heads) * Double(total) + 1e-9).rounded(.down))
        if removed > total - layers {
            throw reader.error("heads", "removes \(removed) of the student's \(total) heads, but each of its \(layers) attention layers must keep one (at most \(total - layers) can go)")
        }
        self.init(heads: heads, headsMethod: headsMethod, keepTokens: keepTokens, afterLayer: afterLayer, tokenScoring: tokenScoring,
                  mlp: mlp, steps: steps,
                  samples: samples, recoverEpochs: recoverEpochs, learningRate: learningRate)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "heads": .number(heads), "heads_method": .string(headsMethod), "after_layer": .number(afterLayer), "token_scoring": .string(tokenScoring), "mlp": .number(mlp),
            "steps": .number(steps), "samples": .number(samples), "recover_epochs": .number(recoverEpochs), "lr": .number(learningRate),
        ]
        if let keepTokens { members["keep_tokens"] = .number(keepTokens) }
        return .object(members)
    }
}
