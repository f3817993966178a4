import TensorCore

/// The seed design's adaptive gated cross-modal fusion, batched (module prefix `fusion.`).
///
/// v = vision_proj(patches) [B, P, D]; t = text_proj(tokens) [B, L, D];
/// v_global = mean_P v; t_global = masked mean_L t;
/// gates = softmax(gate_net.2(relu(gate_net.0([v_global, t_global])))) [B, 2];
/// c = cross_attn(query: t, key = value: v) [B, L, D];
/// fused = gates[:, 0]·v_global + gates[:, 1]·(masked mean_L c) [B, D].
///
/// With `fusion_depth` N > 0, N decoder blocks (`layers.N`, `nn.TransformerDecoderLayer`) also
/// refine the question: r = layers(t, memory: v), each attending over the question's real tokens
/// and then over the patches; tokens = norm(r) [B, L, D]. Two objects named in a question end up
/// in different positions of `tokens`, which the token head reads apart.
public final class AdaptiveCrossModalFusion: Module {
    public let visionProjection: Linear
    public let textProjection: Linear
    public let gateHidden: Linear
    public let gateOutput: Linear
    public let crossAttention: MultiHeadAttention
    /// Decoder blocks over the question (empty with fusion_depth 0) and their final norm.
    public let layers: [TransformerDecoderLayer]
    public let norm: LayerNorm?

    public init(config: ModelConfig, generator: inout RandomGenerator) {
        let d = config.fusionDim
        visionProjection = Linear(inputSize: config.visionDim, outputSize: d, generator: &generator)
        textProjection = Linear(inputSize: config.textDim, outputSize: d, generator: &generator)
        gateHidden = Linear(inputSize: 2 * d, outputSize: d, generator: &generator)
        gateOutput = Linear(inputSize: d, outputSize: 2, generator: &generator)
        crossAttention = MultiHeadAttention(dimension: d, headCount: config.fusionHeadCount, headDimension: config.fusionHeadDim,
                                            generator: &generator)
        layers = (0..<config.fusionDepth).map { layer in
            TransformerDecoderLayer(dimension: d, headCount: config.fusionLayerHeadCounts[layer],
                                    crossHeadCount: config.fusionLayerCrossHeadCounts[layer], headDimension: config.fusionHeadDim,
                                    hiddenSize: config.fusionMLPHiddenSizes[layer], generator: &generator)
        }
        norm = config.fusionDepth > 0 ? LayerNorm(dimension: d) : nil
    }

    /// What the fusion computes; every tensor is part of the autograd graph.
    public struct Output {
        /// [B, D]
        public let fused: Tensor
        /// Mean projected patch [B, D].
        public let visionGlobal: Tensor
        /// Masked mean projected token [B, D].
        public let textGlobal: Tensor
        /// Modality weights (vision, text) [B, 2], rows sum to 1.
        public let gates: Tensor
        /// Cross-attention weights, text queries over patches [B, H, L, P].
        public let attentionWeights: Tensor
        /// The refined question [B, L, D] (nil with fusion_depth 0).
        public let tokens: Tensor?
        /// Each decoder block's cross-attention weights over the patches: fusion_depth × [B, H, L, P].
        public let layerAttentionWeights: [Tensor]

        /// The attention the question pays the patches where the answer is read: the last decoder
        /// block's cross-attention, or the seed's `cross_attn` without decoder blocks [B, H, L, P].
        public var answerAttention: Tensor { layerAttentionWeights.last ?? attentionWeights }
    }

    /// vision: [B, P, dv], text: [B, L, dt], textMask: B·L flags (true = real token) → Output.
    public func callAsFunction(vision: Tensor, text: Tensor, textMask: [Bool]) -> Output {
        let v = visionProjection(vision)
        let t = textProjection(text)
        let visionGlobal = v.mean(axis: 1)
        let textGlobal = maskedMean(t, mask: textMask)
        let gates = gateOutput(gateHidden(Tensor.concat([visionGlobal, textGlobal], axis: 1)).relu()).softmax()
        let cross = crossAttention(query: t, memory: v)
        let crossMean = maskedMean(cross.output, mask: textMask)
        let fused = gates.slice(axis: 1, 0..<1) * visionGlobal + gates.slice(axis: 1, 1..<2) * crossMean
        var refined = t, layerWeights: [Tensor] = []
        for layer in layers {
            let out = layer(refined, memory: v, keyMask: textMask)
            refined = out.output
            layerWeights.append(out.crossWeights)
        }
        return Output(fused: fused, visionGlobal: visionGlobal, textGlobal: textGlobal, gates: gates,
                      attentionWeights: cross.weights, tokens: norm.map { $0(refined) }, layerAttentionWeights: layerWeights)
    }

    /// Text-guided patch scores for token pruning, without a graph: the cross-attention weight the
    /// real question tokens pay each patch, averaged over heads and tokens, with the fusion's own
    /// projections applied to intermediate patch states.
    /// patches: [B, P, dv], text: [B, L, dt], textMask: B·L flags → B·P scores (row-major [B, P]).
    public func patchScores(patches: Tensor, text: Tensor, textMask: [Bool]) -> [Float] {
        let weights = Tensor.withoutGradients {
            crossAttention.weights(query: textProjection(text), memory: visionProjection(patches))
        }
        let (batch, heads, length, count) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        var scores = [Float](repeating: 0, count: batch * count)
        for b in 0..<batch {
            let tokens = (0..<length).filter { textMask[b * length + $0] }
            let scale = 1 / Float(heads * max(tokens.count, 1))
            for h in 0..<heads {
                for l in tokens {
                    let row = ((b * heads + h) * length + l) * count
                    for j in 0..<count { scores[b * count + j] += weights.storage[row + j] * scale }
                }
            }
        }
        return scores
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("vision_proj", .module(visionProjection)), ("text_proj", .module(textProjection)), ("gate_net.0", .module(gateHidden)),
         ("gate_net.2", .module(gateOutput)), ("cross_attn", .module(crossAttention))]
            + numbered("layers", layers) + (norm.map { [("norm", .module($0))] } ?? [])
    }
}

/// Mean over the positions whose mask flag is set: x [B, T, D], mask B·T flags → [B, D].
/// A row with no set flag gives zeros.
public func maskedMean(_ x: Tensor, mask: [Bool]) -> Tensor {
    let (batch, length) = (x.shape[0], x.shape[1])
    precondition(mask.count == batch * length, "mask has \(mask.count) flags, expected \(batch * length)")
    var weights = [Float](repeating: 0, count: batch * length)
    for b in 0..<batch {
        let count = (0..<length).reduce(0) { $0 + (mask[b * length + $1] ? 1 : 0) }
        for l in 0..<length where mask[b * length + l] { weights[b * length + l] = 1 / Float(count) }
    }
    return (x * Tensor(shape: [batch, length, 1], storage: weights)).sum(axis: 1)
}
