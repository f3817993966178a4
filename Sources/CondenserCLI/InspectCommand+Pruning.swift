import Checkpoint
import Foundation
import Models

/// `inspect`'s account of a pruned checkpoint: per-layer structure and sparsity against the original.
func pruningLines(config: ModelConfig, record: PruningRecord) -> [String] {
    let original = record.originalConfig
    func fraction(_ kept: Int, _ total: Int) -> String {
        String(format: "%d/%d kept (%.1f%% removed)", kept, total, 100 * (1 - Double(kept) / Double(max(total, 1))))
    }
    func allHeads(_ c: ModelConfig) -> [Int] {
        c.visionHeadCounts + c.textHeadCounts + [c.fusionHeadCount] + c.fusionLayerHeadCounts + c.fusionLayerCrossHeadCounts
    }
    func allUnits(_ c: ModelConfig) -> [Int] { c.visionMLPHiddenSizes + c.textMLPHiddenSizes + c.fusionMLPHiddenSizes }
    let (heads, originalHeads, units, originalUnits) = (allHeads(config), allHeads(original), allUnits(config), allUnits(original))
    let decoderHeads = config.fusionDepth > 0
        ? " decoder self \(config.fusionLayerHeadCounts) cross \(config.fusionLayerCrossHeadCounts)" : ""
    let parameters = FusionModel(config: config, seed: 0).parameterCount
    let originalParameters = FusionModel(config: original, seed: 0).parameterCount
    var lines = [
        "  pruning     heads \(record.heads) (\(record.headsMethod)), mlp \(record.mlp)"
            + (record.keepTokens.map {
                ", keep tokens \($0) after layer \(record.afterLayer ?? 1) by \(record.tokenScoring ?? "attention")"
            } ?? "")
            + ", \(record.steps) round(s), calibration \(record.calibration) (\(record.samples) samples)"
            + (record.teacher.map { ", recovery \(record.recoverEpochs) epoch(s) from \($0)" } ?? ""),
        "    heads       vision \(config.visionHeadCounts) text \(config.textHeadCounts) fusion \(config.fusionHeadCount)"
            + decoderHeads + " (head dims \(config.visionHeadDim)/\(config.textHeadDim)/\(config.fusionHeadDim)): "
            + fraction(heads.reduce(0, +), originalHeads.reduce(0, +)),
        "    MLP widths  vision \(config.visionMLPHiddenSizes) text \(config.textMLPHiddenSizes)"
            + (config.fusionDepth > 0 ? " decoder \(config.fusionMLPHiddenSizes)" : "") + ": "
            + fraction(units.reduce(0, +), originalUnits.reduce(0, +)),
        "    tokens      " + (config.visionTokenKeep.map {
            "\($0.keep) of \(config.patchCount) patches after vision layer \($0.afterLayer) ("
                + ($0.scoring == .text ? "by the question's attention" : "by attention received") + ")"
        } ?? "all \(config.patchCount) patches"),
        "    parameters  " + fraction(parameters, originalParameters),
        String(format: "    FLOPs       %.2f× fewer than the original (%@ → %@)",
               Double(original.forwardFLOPs()) / Double(config.forwardFLOPs()),
               original.forwardFLOPs().formatted(), config.forwardFLOPs().formatted()),
    ]
    let accuracies = [("before", record.accuracyBefore), ("pruned", record.accuracyPruned), ("recovered", record.accuracyRecovered)]
        .compactMap { name, value in value.map { String(format: "%@ %.2f%%", name, 100 * $0) } }
    if !accuracies.isEmpty {
        lines.append("    accuracy    " + accuracies.joined(separator: ", ") + (record.test.map { " on \($0)" } ?? ""))
    }
    return lines
}
