import Models
import TensorCore

/// Which heads, MLP units and tokens a pruned model keeps; `apply` builds that smaller model.
public struct PruningSelection {
    /// Kept head indices per attention site (`AttentionSite.all` order); nil keeps every head.
    public var heads: [[Int]]?
    /// Kept hidden units per vision / text layer; nil keeps every unit.
    public var visionUnits: [[Int]]?
    public var textUnits: [[Int]]?
    /// Kept hidden units per fusion decoder block; nil keeps every unit.
    public var fusionUnits: [[Int]]?
    /// Token policy of the pruned model (replaces the model's own).
    public var tokenKeep: VisionTokenKeep?

    public init(heads: [[Int]]? = nil, visionUnits: [[Int]]? = nil, textUnits: [[Int]]? = nil, tokenKeep: VisionTokenKeep? = nil) {
        self.heads = heads; self.visionUnits = visionUnits; self.textUnits = textUnits; self.tokenKeep = tokenKeep
    }

    /// A new model holding copies of `model`'s parameters with the removed heads and units deleted:
    /// its config records the per-layer head counts and MLP widths. `model` is unchanged.
    public func apply(to model: FusionModel) -> FusionModel {
        var config = model.config
        var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters.map {
            ($0.name, Tensor(shape: $0.tensor.shape, storage: $0.tensor.storage))
        })
        if let heads {
            let sites = AttentionSite.all(in: model)
            precondition(heads.count == sites.count, "\(heads.count) head lists for \(sites.count) attention layers")
            var vision = config.visionHeadCounts, text = config.textHeadCounts
            var decoderSelf = config.fusionLayerHeadCounts, decoderCross = config.fusionLayerCrossHeadCounts
            for (site, kept) in zip(sites, heads) {
                HeadPruning.slice(&tensors, prefix: site.prefix, heads: site.attention.headCount,
                                  headDim: site.attention.headDimension, kept: kept)
                switch site.part {
                case let .vision(layer): vision[layer] = kept.count
                case let .text(layer): text[layer] = kept.count
                case .fusion: config.fusionKeptHeads = kept.count
                case let .fusionLayer(layer, cross):
                    if cross { decoderCross[layer] = kept.count } else { decoderSelf[layer] = kept.count }
                }
            }
            config.visionLayerHeads = vision
            config.textLayerHeads = text
            config.fusionLayerHeads = decoderSelf
            config.fusionLayerCrossHeads = decoderCross
        }
        if let visionUnits {
            for (layer, kept) in visionUnits.enumerated() { NeuronPruning.slice(&tensors, prefix: "vision.layers.\(layer)", kept: kept) }
            config.visionMLPWidths = visionUnits.map(\.count)
        }
        if let textUnits {
            for (layer, kept) in textUnits.enumerated() { NeuronPruning.slice(&tensors, prefix: "text.layers.\(layer)", kept: kept) }
            config.textMLPWidths = textUnits.map(\.count)
        }
        if let fusionUnits {
            for (layer, kept) in fusionUnits.enumerated() { NeuronPruning.slice(&tensors, prefix: "fusion.layers.\(layer)", kept: kept) }
            config.fusionMLPWidths = fusionUnits.map(\.count)
        }
        config.visionTokenKeep = tokenKeep
        config.normalize()
        let pruned = FusionModel(config: config, seed: 0)
        // Names and shapes follow from the config built above, so loading cannot fail.
        try! pruned.loadParameters(tensors)
        return pruned
    }
}
