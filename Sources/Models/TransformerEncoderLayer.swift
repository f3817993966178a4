import TensorCore

/// Pre-norm transformer block with PyTorch `nn.TransformerEncoderLayer(norm_first=True,
/// activation="gelu", batch_first=True)` semantics and names, without dropout:
/// x = x + SA(norm1(x)); x = x + linear2(gelu(linear1(norm2(x)))).  x: [B, T, D] → [B, T, D]
public final class TransformerEncoderLayer: Module {
    public let selfAttention: MultiHeadAttention
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm

    /// Random initialisation; `headDimension` defaults to dimension / headCount.
    public init(dimension: Int, headCount: Int, headDimension: Int? = nil, hiddenSize: Int, generator: inout RandomGenerator) {
        selfAttention = MultiHeadAttention(dimension: dimension, headCount: headCount, headDimension: headDimension, generator: &generator)
        linear1 = Linear(inputSize: dimension, outputSize: hiddenSize, generator: &generator)
        linear2 = Linear(inputSize: hiddenSize, outputSize: dimension, generator: &generator)
        norm1 = LayerNorm(dimension: dimension)
        norm2 = LayerNorm(dimension: dimension)
    }

    /// x: [B, T, D], keyMask: B·T flags (true = attend) → (x [B, T, D], attention weights [B, H, T, T]).
    public func callAsFunction(_ x: Tensor, keyMask: [Bool]? = nil) -> (output: Tensor, weights: Tensor) {
        let attention = selfAttention(norm1(x), keyMask: keyMask, adding: x)
        let h = attention.output
        return (feedForward(h, norm: norm2, linear1: linear1, linear2: linear2), attention.weights)
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("self_attn", .module(selfAttention)), ("linear1", .module(linear1)), ("linear2", .module(linear2)),
         ("norm1", .module(norm1)), ("norm2", .module(norm2))]
    }
}
