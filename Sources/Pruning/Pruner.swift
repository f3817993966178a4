import Checkpoint
import Models

/// Gradual structured pruning: `settings.steps` rounds whose targets grow linearly to the final
/// fractions (all relative to the original architecture). Each round re-ranks heads on the
/// current model, deletes heads and MLP units, sets the token policy, then calls `recover`.
public struct Pruner {
    public let settings: PruningSettings
    /// Labelled samples that rank heads.
    public let calibration: MultimodalDataset
    /// Receives one line per round.
    public let report: (String) -> Void

    public init(settings: PruningSettings, calibration: MultimodalDataset, report: @escaping (String) -> Void = { _ in }) {
        self.settings = settings
        self.calibration = calibration
        self.report = report
    }

    /// Checks that `config` (whose unpruned architecture is `original`) can be pruned as asked and
    /// that the calibration data fits it, before any work. - Throws: `PruningError` naming the setting or file.
    public func check(_ config: ModelConfig, original: ModelConfig) throws(PruningError) {
        do throws(SettingError) { try settings.validate(for: config, original: original) } catch { throw .invalidSetting(error) }
        guard calibration.count > 0 else { throw .unusableData(file: calibration.source, reason: "holds no samples") }
        do {
            try calibration.validate(against: config)
        } catch {
            throw .unusableData(file: calibration.source, reason: "\(error)")
        }
        if settings.heads > 0 && settings.headMethod == .importance && calibration.labels == nil {
            throw .unusableData(file: calibration.source, reason: "has no /labels dataset; head importance needs the loss, "
                                + "so the calibration set must be labelled")
        }
    }

    /// Prunes `model` (whose unpruned architecture is `original`) in `settings.steps` rounds;
    /// `recover(model, round)` runs after each round (fine-tuning in place) and may be a no-op.
    public func run(_ model: FusionModel, original: ModelConfig,
                    recover: (FusionModel, Int) throws -> Void = { _, _ in }) throws -> FusionModel {
        try check(model.config, original: original)
        var current = model
        for round in 1...settings.steps {
            current = try prune(current, original: original, fraction: Double(round) / Double(settings.steps))
            report("round \(round)/\(settings.steps): \(Self.describe(current.config)), \(current.parameterCount.formatted()) parameters")
            try recover(current, round)
        }
        return current
    }

    /// One round: removes `progress` (in (0, 1]) of each final target, counted from `original`.
    func prune(_ model: FusionModel, original: ModelConfig, fraction progress: Double) throws(PruningError) -> FusionModel {
        let config = model.config
        var selection = PruningSelection(tokenKeep: config.visionTokenKeep)

        let originalHeads = Self.headCounts(original).reduce(0, +)
        let removeNow = Self.removeCount(fraction: settings.heads * progress, of: originalHeads)
            - (originalHeads - Self.headCounts(config).reduce(0, +))
        if removeNow > 0 {
            let scores = switch settings.headMethod {
            case .importance: try HeadImportance.measure(model: model, data: calibration, samples: settings.samples,
                                                         batchSize: settings.calibrationBatchSize)
            case .random: HeadImportance.random(model: model, seed: settings.seed &+ UInt64(progress * 1_000_000))
            }
            let sites = AttentionSite.all(in: model)
            report("head scores (\(settings.headMethod.rawValue)): " + zip(sites, scores).map { site, values in
                site.prefix + " " + values.map { String(format: "%.3f", $0) }.joined(separator: " ")
            }.joined(separator: ", "))
            selection.heads = try HeadPruning.keptHeads(scores: scores, removeCount: removeNow)
        }

        if settings.mlp > 0 {
            func units(_ layers: [(linear1: Linear, linear2: Linear)], originalWidth: Int) -> [[Int]]? {
                let target = originalWidth - Self.removeCount(fraction: settings.mlp * progress, of: originalWidth)
                guard layers.contains(where: { $0.linear1.outputSize > target }) else { return nil }
                return layers.map {
                    NeuronPruning.keptUnits(scores: NeuronPruning.scores(linear1: $0.linear1, linear2: $0.linear2),
                                            keep: min(target, $0.linear1.outputSize))
                }
            }
            selection.visionUnits = units(model.vision.layers.map { ($0.linear1, $0.linear2) },
                                          originalWidth: original.visionDim * original.mlpRatio)
            selection.textUnits = units(model.text.layers.map { ($0.linear1, $0.linear2) },
                                        originalWidth: original.textDim * original.mlpRatio)
            selection.fusionUnits = units(model.fusion.layers.map { ($0.linear1, $0.linear2) },
                                          originalWidth: original.fusionDim * original.mlpRatio)
        }

        if let keepTokens = settings.keepTokens {
            let patches = config.patchCount
            let dropped = Int((Double(patches) * (1 - keepTokens) * progress).rounded())
            selection.tokenKeep = VisionTokenKeep(afterLayer: settings.afterLayer, keep: max(1, patches - dropped),
                                                  scoring: settings.tokenScoring)
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
