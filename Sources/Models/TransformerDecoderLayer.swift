import TensorCore

/// Pre-norm decoder block with PyTorch `nn.TransformerDecoderLayer(norm_first=True,
/// activation="gelu", batch_first=True)` semantics and names, without dropout:
/// x = x + SA(norm1(x)); x = x + MHA(norm2(x), memory); x = x + linear2(gelu(linear1(norm3(x)))).
/// x: [B, T, D], memory: [B, M, D] → [B, T, D]. The memory is used as given (PyTorch does not
/// normalise it inside the block).
public final class TransformerDecoderLayer: Module {
    public let selfAttention: MultiHeadAttention
    public let crossAttention: MultiHeadAttention
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let norm3: LayerNorm

    /// Random initialisation; `headDimension` defaults to dimension / headCount.
    public init(dimension: Int, headCount: Int, crossHeadCount: Int? = nil, headDimension: Int? = nil, hiddenSize: Int,
                generator: inout RandomGenerator) {
        selfAttention = MultiHeadAttention(dimension: dimension, headCount: headCount, headDimension: headDimension, generator: &generator)
        crossAttention = MultiHeadAttention(dimension: dimension, headCount: crossHeadCount ?? headCount, headDimension: headDimension,
                                            generator: &generator)
        linear1 = Linear(inputSize: dimension, outputSize: hiddenSize, generator: &generator)
        linear2 = Linear(inputSize: hiddenSize, outputSize: dimension, generator: &generator)
        norm1 = LayerNorm(dimension: dimension)
        norm2 = LayerNorm(dimension: dimension)
        norm3 = LayerNorm(dimension: dimension)
    }

    /// What one block computes.
    public struct Output {
        /// [B, T, D]
        public let output: Tensor
        /// Self-attention weights [B, H, T, T].
        public let selfWeights: Tensor
        /// Cross-attention weights over the memory [B, H, T, M].
        public let crossWeights: Tensor
    }

    /// x: [B, T, D], memory: [B, M, D], keyMask: B·T flags for x's own keys (true = attend) → Output.
    public func callAsFunction(_ x: Tensor, memory: Tensor, keyMask: [Bool]? = nil) -> Output {
        let attention = selfAttention(norm1(x), keyMask: keyMask, adding: x)
        let h = attention.output
        let cross = crossAttention(query: norm2(h), memory: memory, adding: h)
        let g = cross.output
        return Output(output: feedForward(g, norm: norm3, linear1: linear1, linear2: linear2),
                      selfWeights: attention.weights, crossWeights: cross.weights)
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("self_attn", .module(selfAttention)), ("multihead_attn", .module(crossAttention)), ("linear1", .module(linear1)),
         ("linear2", .module(linear2)), ("norm1", .module(norm1)), ("norm2", .module(norm2)), ("norm3", .module(norm3))]
    }
}
