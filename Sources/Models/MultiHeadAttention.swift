import TensorCore

/// Multi-head attention with PyTorch `nn.MultiheadAttention` parameters (batch first):
/// `in_proj_weight` [3A, D] and `in_proj_bias` [3A] stack the q, k, v projections; `out_proj` is A → D,
/// where A = H·hd is the attention width. Unpruned, A = D; head pruning deletes whole heads, so A
/// shrinks while the head size hd stays. Scores are scaled by 1/√hd.
public final class MultiHeadAttention: Module {
    public let inProjectionWeight: Tensor
    public let inProjectionBias: Tensor
    public let outProjection: Linear
    public let headCount: Int
    /// Per-head output multipliers [H]: all ones unless pruning gates heads (or measures their importance).
    public var headGates: Tensor
    /// int8 inference of the in-projection (see `QuantizableLayer`); the out-projection is a `Linear` of its own.
    public var int8: Int8Linear?
    public var inputObserver: (@Sendable (Tensor) -> Void)?

    /// Random initialisation; `headDimension` defaults to dimension / headCount (PyTorch's layout).
    public init(dimension: Int, headCount: Int, headDimension: Int? = nil, generator: inout RandomGenerator) {
        let width = headCount * (headDimension ?? dimension / headCount)
        // xavier_uniform_ on in_proj_weight, zero biases, as PyTorch initialises it.
        let bound = (6 / Float(dimension + 3 * width)).squareRoot()
        inProjectionWeight = .uniform([3 * width, dimension], bound: bound, generator: &generator, requiresGrad: true)
        inProjectionBias = .zeros([3 * width], requiresGrad: true)
        outProjection = Linear(inputSize: width, outputSize: dimension, generator: &generator)
        outProjection.bias.storage = [Float](repeating: 0, count: dimension)
        self.headCount = headCount
        headGates = .filled([headCount], with: 1)
    }

    /// Model width D (input and output features).
    public var dimension: Int { inProjectionWeight.shape[1] }
    /// Attention width A = H·hd.
    public var attentionWidth: Int { inProjectionWeight.shape[0] / 3 }
    /// Features per head, hd.
    public var headDimension: Int { attentionWidth / headCount }

    /// Self-attention. x: [B, T, D], keyMask: B·T flags (true = attend) → ([B, T, D], weights [B, H, T, T]);
    /// with `residual` [B, T, D] the output is residual + attention, summed by the out-projection.
    public func callAsFunction(_ x: Tensor, keyMask: [Bool]? = nil, adding residual: Tensor? = nil) -> (output: Tensor, weights: Tensor) {
        let a = attentionWidth
        let qkv = product(x, bias: inProjectionBias)
        let (weights, context) = attend(query: qkv, queryOffset: 0, key: qkv, keyOffset: a, value: qkv, valueOffset: 2 * a,
                                        keyMask: keyMask)
        return (outProjection(gated(context), adding: residual), weights)
    }

    /// Cross-attention. query: [B, Tq, D], memory: [B, Tk, D] → ([B, Tq, D], weights [B, H, Tq, Tk]);
    /// with `residual` [B, Tq, D] the output is residual + attention.
    public func callAsFunction(query: Tensor, memory: Tensor, keyMask: [Bool]? = nil,
                               adding residual: Tensor? = nil) -> (output: Tensor, weights: Tensor) {
        let a = attentionWidth
        let q = product(query, bias: inProjectionBias, outputRows: 0..<a)
        let kv = product(memory, bias: inProjectionBias, outputRows: a..<(3 * a))
        let (weights, context) = attend(query: q, queryOffset: 0, key: kv, keyOffset: 0, value: kv, valueOffset: a, keyMask: keyMask)
        return (outProjection(gated(context), adding: residual), weights)
    }

    /// Only the cross-attention weights, for scoring: query [B, Tq, D], memory [B, Tk, D] → [B, H, Tq, Tk].
    public func weights(query: Tensor, memory: Tensor) -> Tensor {
        let a = attentionWidth
        let q = Tensor.linear(query, weight: inProjectionWeight, bias: inProjectionBias, outputRows: 0..<a)
        let k = Tensor.linear(memory, weight: inProjectionWeight, bias: inProjectionBias, outputRows: a..<(2 * a))
        return Tensor.attentionWeights(query: q, queryOffset: 0, key: k, keyOffset: 0, width: a, heads: headCount)
    }

    /// The weights and context of the heads, in int8 when the in-projection is.
    private func attend(query: Tensor, queryOffset: Int, key: Tensor, keyOffset: Int, value: Tensor, valueOffset: Int,
                        keyMask: [Bool]?) -> (weights: Tensor, context: Tensor) {
        let attention = int8 == nil ? Tensor.attention : Tensor.int8Attention
        return attention(query, queryOffset, key, keyOffset, value, valueOffset, attentionWidth, headCount, keyMask)
    }

    /// Applies the head gates, skipping the op when they are all ones and not being differentiated.
    private func gated(_ context: Tensor) -> Tensor {
        if !headGates.requiresGrad && headGates.storage.allSatisfy({ $0 == 1 }) { return context }
        return Tensor.scaleHeads(context, gates: headGates)
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("in_proj_weight", .parameter(inProjectionWeight)), ("in_proj_bias", .parameter(inProjectionBias)),
         ("out_proj", .module(outProjection))]
    }
}
