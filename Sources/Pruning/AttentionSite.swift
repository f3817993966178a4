import Models

/// One attention layer of a fusion model, as pruning addresses it.
public struct AttentionSite {
    public enum Part: Equatable, Sendable {
        case vision(layer: Int)
        case text(layer: Int)
        case fusion
        /// A decoder block's self-attention over the question, or its cross-attention over the patches.
        case fusionLayer(layer: Int, cross: Bool)
    }

    public let part: Part
    public let attention: MultiHeadAttention

    /// Checkpoint prefix of the layer's tensors (`vision.layers.0.self_attn`).
    public var prefix: String {
        switch part {
        case let .vision(layer): "vision.layers.\(layer).self_attn"
        case let .text(layer): "text.layers.\(layer).self_attn"
        case .fusion: "fusion.cross_attn"
        case let .fusionLayer(layer, cross): "fusion.layers.\(layer).\(cross ? "multihead_attn" : "self_attn")"
        }
    }

    /// Every attention layer: vision layers, text layers, the fusion's cross-attention, then each
    /// decoder block's self- and cross-attention.
    public static func all(in model: FusionModel) -> [AttentionSite] {
        model.vision.layers.enumerated().map { AttentionSite(part: .vision(layer: $0.offset), attention: $0.element.selfAttention) }
            + model.text.layers.enumerated().map { AttentionSite(part: .text(layer: $0.offset), attention: $0.element.selfAttention) }
            + [AttentionSite(part: .fusion, attention: model.fusion.crossAttention)]
            + model.fusion.layers.enumerated().flatMap { index, layer in
                [AttentionSite(part: .fusionLayer(layer: index, cross: false), attention: layer.selfAttention),
                 AttentionSite(part: .fusionLayer(layer: index, cross: true), attention: layer.crossAttention)]
            }
    }
}
