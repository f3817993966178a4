import TensorCore

/// Multi-head attention with PyTorch `nn.MultiheadAttention` parameters (batch first):
/// `in_proj_weight` [3D, D] and `in_proj_bias` [3D] stack the q, k, v projections; `out_proj` is D → D.
/// Scores are scaled by 1/√(D/H).
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

    public init(dimension: Int, headCount: Int, generator: inout RandomGenerator) {
        // xavier_uniform_ on in_proj_weight, zero biases, as PyTorch initialises it.
        let bound = (6 / Float(dimension + 3 * dimension)).squareRoot()
        inProjectionWeight = .uniform([3 * dimension, dimension], bound: bound, generator: &generator, requiresGrad: true)
        inProjectionBias = .zeros([3 * dimension], requiresGrad: true)
        outProjection = Linear(inputSize: dimension, outputSize: dimension, generator: &generator)
        outProjection.bias.storage = [Float](repeating: 0, count: dimension)
        self.headCount = headCount
        headGates = .filled([headCount], with: 1)
    }

    public var dimension: Int { inProjectionWeight.shape[1] }

    /// Self-attention. x: [B, T, D], keyMask: B·T flags (true = attend) → ([B, T, D], weights [B, H, T, T]).
    public func callAsFunction(_ x: Tensor, keyMask: [Bool]? = nil) -> (output: Tensor, weights: Tensor) {
        let d = dimension
        let qkv = product(x, bias: inProjectionBias)
        let weights = Tensor.attentionWeights(query: qkv, queryOffset: 0, key: qkv, keyOffset: d,
                                              width: d, heads: headCount, keyMask: keyMask)
        let context = Tensor.attentionContext(weights: weights, value: qkv, valueOffset: 2 * d, width: d)
        return (outProjection(gated(context)), weights)
    }

    /// Cross-attention. query: [B, Tq, D], memory: [B, Tk, D] → ([B, Tq, D], weights [B, H, Tq, Tk]).
    public func callAsFunction(query: Tensor, memory: Tensor, keyMask: [Bool]? = nil) -> (output: Tensor, weights: Tensor) {
        let d = dimension
        let q = product(query, bias: inProjectionBias, outputRows: 0..<d)
        let kv = product(memory, bias: inProjectionBias, outputRows: d..<(3 * d))
        let weights = Tensor.attentionWeights(query: q, queryOffset: 0, key: kv, keyOffset: 0,
                                              width: d, heads: headCount, keyMask: keyMask)
        let context = Tensor.attentionContext(weights: weights, value: kv, valueOffset: d, width: d)
        return (outProjection(gated(context)), weights)
    }

    /// Applies the head gates, skipping the op when they are all ones and not being differentiated.
    private func gated(_ context: Tensor) -> Tensor {
        if !headGates.requiresGrad && headGates.storage.allSatisfy({ $0 == 1 }) { return context }
        return Tensor.scaleHeads(context, gates: headGates)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        [("in_proj_weight", inProjectionWeight), ("in_proj_bias", inProjectionBias)] + scoped("out_proj", outProjection)
    }
}
