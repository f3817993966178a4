import Checkpoint
import Models

/// Gradual structured pruning: `options.steps` rounds whose targets grow linearly to the final
/// fractions (all relative to the original architecture). Each round re-ranks heads on the
/// current model, deletes heads and MLP units, sets the token policy, then calls `recover`.
public struct Pruner {
    public let options: PruningOptions
    /// Labelled samples that rank heads.
    public let calibration: MultimodalDataset
    /// Receives one line per round.
    public let report: (String) -> Void

    public init(options: PruningOptions, calibration: MultimodalDataset, report: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.calibration = calibration
        self.report = report
    }

    /// Checks that `config` can be pruned as asked and that the calibration data fits it,
    /// before any work. - Throws: `PruningError` naming the option or file.
    public func check(_ config: ModelConfig, original: ModelConfig) throws(PruningError) {
        try options.validate()
        guard calibration.count > 0 else { throw .unusableData(file: calibration.source, reason: "holds no samples") }
        do {
            try calibration.validate(against: config)
        } catch {
            throw .unusableData(file: calibration.source, reason: "\(error)")
        }
        if options.heads > 0 {
            if options.headMethod == .importance && calibration.labels == nil {
                throw .unusableData(file: calibration.source, reason: "has no /labels dataset; head importance needs the loss, so the calibration set must be labelled")
            }
            let total = Self.headCounts(original).reduce(0, +)
            let target = Self.removeCount(fraction: options.heads, of: total)
            let layers = Self.headCounts(original).count
            if target > total - layers {
                throw .impossible(reason: "--heads \(options.heads) removes \(target) of \(total) heads, but each of the \(layers) attention layers must keep one (at most \(total - layers) can go)")
            }
        }
        if options.keepTokens != nil {
            guard config.visionDepth >= 1 else { throw .impossible(reason: "token pruning needs at least one vision layer; the model has none") }
            guard options.afterLayer <= config.visionDepth else {
                let first = options.tokenScoring == .text ? 0 : 1
                throw .invalidOption(name: "--after-layer", reason: "the model has \(config.visionDepth) vision layers, so after_layer must be between \(first) and \(config.visionDepth), got \(options.afterLayer)")
            }
        }
    }

    /// Prunes `model` (whose unpruned architecture is `original`) in `options.steps` rounds;
    /// `recover(model, round)` runs after each round (fine-tuning in place) and may be a no-op.
    public func run(_ model: FusionModel, original: ModelConfig,
                    recover: (FusionModel, Int) throws -> Void = { _, _ in }) throws -> FusionModel {
        try check(model.config, original: original)
        var current = model
        for round in 1...options.steps {
            current = try prune(current, original: original, fraction: Double(round) / Double(options.steps))
            report("round \(round)/\(options.steps): \(Self.describe(current.config)), \(current.parameterCount.formatted()) parameters")
            try recover(current, round)
        }
        return current
    }

    /// One round: removes `progress` (in (0, 1]) of each final target, counted from `original`.
    func prune(_ model: FusionModel, original: ModelConfig, fraction progress: Double) throws(PruningError) -> FusionModel {
        let config = model.config
        var selection = PruningSelection(tokenKeep: config.visionTokenKeep)

        let originalHeads = Self.headCounts(original).reduce(0, +)
        let removeNow = Self.removeCount(fraction: options.heads * progress, of: originalHeads)
            - (originalHeads - Self.headCounts(config).reduce(0, +))
        if removeNow > 0 {
            let scores = switch options.headMethod {
            case .importance: try HeadImportance.measure(model: model, data: calibration, samples: options.samples,
                                                         batchSize: options.calibrationBatchSize)
            case .random: HeadImportance.random(model: model, seed: options.seed &+ UInt64(progress * 1_000_000))
            }
            let sites = AttentionSite.all(in: model)
            report("head scores (\(options.headMethod.rawValue)): " + zip(sites, scores).map { site, values in
                site.prefix + " " + values.map { String(format: "%.3f", $0) }.joined(separator: " ")
            }.joined(separator: ", "))
            selection.heads = try HeadPruning.keptHeads(scores: scores, removeCount: removeNow)
        }

        if options.mlp > 0 {
            func units(_ layers: [(linear1: Linear, linear2: Linear)], originalWidth: Int) -> [[Int]]? {
                let target = originalWidth - Self.removeCount(fraction: options.mlp * progress, of: originalWidth)
                guard layers.contains(where: { $0.linear1.outputSize > target }) else { return nil }
                return layers.map {
                    NeuronPruning.keptUnits(scores: NeuronPruning.scores(linear1: $0.linear1, linear2: $0.linear2),
                                            keep: min(target, $0.linear1.outputSize))
                }
            }
            selection.visionUnits = units(model.vision.layers.map { ($0.linear1, $0.linear2) }, originalWidth: original.visionDim * original.mlpRatio)
            selection.textUnits = units(model.text.layers.map { ($0.linear1, $0.linear2) }, originalWidth: original.textDim * original.mlpRatio)
            selection.fusionUnits = units(model.fusion.layers.map { ($0.linear1, $0.linear2) }, originalWidth: original.fusionDim * original.mlpRatio)
        }

        if let keepTokens = options.keepTokens {
            let patches = config.patchCount
            let dropped = Int((Double(patches) * (1 - keepTokens) * progress).rounded())
            selection.tokenKeep = VisionTokenKeep(afterLayer: options.afterLayer, keep: max(1, patches - dropped), scoring: options.tokenScoring)
        }
        return selection.apply(to: model)
    }

    /// floor(fraction · total), robust to fractions like 0.3 · 10 = 2.9999….
    static func removeCount(fraction: Double, of total: Int) -> Int { Int((fraction * Double(total) + 1e-9).rounded(.down)) }

    /// Heads of every attention layer, in `AttentionSite.all` order.
    static func headCounts(_ config: ModelConfig) -> [Int] {
        config.visionHeadCounts + config.textHeadCounts + [config.fusionHeadCount]
            + zip(config.fusionLayerHeadCounts, config.fusionLayerCrossHeadCounts).flatMap { [$0, $1] }
    }

    /// "heads vision [2, 1] text [1] fusion 2, MLP vision [256, 256] text [256], tokens 32 after layer 1".
    public static func describe(_ config: ModelConfig) -> String {
        var heads = "heads vision \(config.visionHeadCounts) text \(config.textHeadCounts) fusion \(config.fusionHeadCount)"
        var mlp = "MLP vision \(config.visionMLPHiddenSizes) text \(config.textMLPHiddenSizes)"
        if config.fusionDepth > 0 {
            heads += " decoder self \(config.fusionLayerHeadCounts) cross \(config.fusionLayerCrossHeadCounts)"
            mlp += " decoder \(config.fusionMLPHiddenSizes)"
        }
        var parts = [heads, mlp]
        if let keep = config.visionTokenKeep {
            parts.append("\(keep.keep) of \(config.patchCount) patches after vision layer \(keep.afterLayer) (by \(keep.scoring.rawValue))")
        }
        return parts.joined(separator: ", ")
    }
}
