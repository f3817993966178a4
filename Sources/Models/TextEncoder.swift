import TensorCore

/// Transformer over token ids; id 0 is padding and is ignored as an attention key.
/// tokens: int32 [B, L] → states [B, L, dt]
public final class TextEncoder: Module {
    public let tokenEmbedding: Tensor
    public let positionEmbedding: Tensor
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm

    public init(config: ModelConfig, generator: inout RandomGenerator) {
        tokenEmbedding = .normal([config.vocabSize, config.textDim], standardDeviation: 1, generator: &generator, requiresGrad: true)
        positionEmbedding = .normal([config.maxTextLen, config.textDim], standardDeviation: 0.02, generator: &generator, requiresGrad: true)
        layers = zip(config.textHeadCounts, config.textMLPHiddenSizes).map { heads, hidden in
            TransformerEncoderLayer(dimension: config.textDim, headCount: heads, headDimension: config.textHeadDim,
                                    hiddenSize: hidden, generator: &generator)
        }
        norm = LayerNorm(dimension: config.textDim)
    }

    /// tokens: [B, L] with L ≤ max_text_len; mask: B·L flags (token != 0) → EncoderOutput with states [B, L, dt].
    public func callAsFunction(tokens: [Int32], batch: Int, length: Int, mask: [Bool]) -> EncoderOutput {
        let embedded = Tensor.embedding(tokenEmbedding, ids: tokens, idShape: [batch, length])
        let x = embedded + positionEmbedding.slice(axis: 0, 0..<length)
        let (h, states, weights) = runLayers(layers, x, keyMask: mask)
        return EncoderOutput(states: norm(h), layerStates: states, attentionWeights: weights)
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("token_embed.weight", .parameter(tokenEmbedding)), ("pos_embed", .parameter(positionEmbedding))]
            + numbered("layers", layers) + [("norm", .module(norm))]
    }
}
