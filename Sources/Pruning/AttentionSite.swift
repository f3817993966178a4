import Models

/// One attention layer of a fusion model, as pruning addresses it.
public struct AttentionSite {
    public enum Part: Equatable, Sendable {
        case vision(layer: Int)
        case text(layer: Int)
        case fusion
    }

    public let part: Part
    public let attention: MultiHeadAttention

    /// Checkpoint prefix of the layer's tensors (`vision.layers.0.self_attn`).
    public var prefix: String {
        switch part {
        case let .vision(layer): "vision.layers.\(layer).self_attn"
        case let .text(layer): "text.layers.\(layer).self_attn"
        case .fusion: "fusion.cross_attn"
        }
    }

    /// Every attention layer: vision layers, text layers, then the fusion's cross-attention.
    public static func all(in model: FusionModel) -> [AttentionSite] {
        model.vision.layers.enumerated().map { AttentionSite(part: .vision(layer: $0.offset), attention: $0.element.selfAttention) }
            + model.text.layers.enumerated().map { AttentionSite(part: .text(layer: $0.offset), attention: $0.element.selfAttention) }
            + [AttentionSite(part: .fusion, attention: model.fusion.crossAttention)]
    }
}
