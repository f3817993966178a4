import TensorCore

/// How a weight product runs in int8: the quantized weights, and the input's quantization
/// (nil: a scale and zero point per row, computed at run time).
public struct Int8Linear: Sendable {
    public let weights: Int8Weights
    public let input: ActivationQuantization?

    public init(weights: Int8Weights, input: ActivationQuantization?) {
        self.weights = weights
        self.input = input
    }
}

/// A layer whose work is one weight product, x·Wᵀ + b, that can run in int8: a `Linear`, or
/// the packed q/k/v in-projection of a `MultiHeadAttention`.
public protocol QuantizableLayer: AnyObject {
    /// The float weight [out, in].
    var weightMatrix: Tensor { get }
    /// The weight's member name (`weight`, `in_proj_weight`): int8 records name a product by it.
    var weightName: String { get }
    /// When set, inference runs the product through the int8 kernel (no gradients).
    var int8: Int8Linear? { get set }
    /// Calibration hook: sees every float input [.., in] of the product.
    var inputObserver: (@Sendable (Tensor) -> Void)? { get set }
}

extension QuantizableLayer {
    /// x·Wᵀ + b for `outputRows` of W, plus a residual or through an activation, in float32 or int8
    /// as configured, the residual or activation applied as each block of rows is finished; tells
    /// the observer first.
    func product(_ x: Tensor, bias: Tensor, outputRows: Range<Int>? = nil, residual: Tensor? = nil,
                 activation: LinearActivation? = nil) -> Tensor {
        inputObserver?(x)
        if let int8 {
            return .int8Linear(x, weights: int8.weights, bias: bias, input: int8.input, outputRows: outputRows, residual: residual,
                               activation: activation)
        }
        return .linear(x, weight: weightMatrix, bias: bias, outputRows: outputRows, residual: residual, activation: activation)
    }
}

extension Linear: QuantizableLayer {
    public var weightMatrix: Tensor { weight }
    public var weightName: String { "weight" }
}

extension MultiHeadAttention: QuantizableLayer {
    public var weightMatrix: Tensor { inProjectionWeight }
    public var weightName: String { "in_proj_weight" }
}

// MARK: - Every quantizable layer of a model, by the name of its weight parameter

/// A model's int8-capable layers, each under the full name of its weight parameter
/// (`vision.layers.0.linear1.weight`, `fusion.cross_attn.in_proj_weight`).
public typealias NamedQuantizableLayers = [(name: String, layer: any QuantizableLayer)]

extension Module {
    /// Every weight product in the module tree, in parameter order; embeddings and LayerNorms are not among them.
    public var quantizableLayers: NamedQuantizableLayers {
        namedModules.compactMap { path, module in
            (module as? any QuantizableLayer).map { (path.isEmpty ? $0.weightName : "\(path).\($0.weightName)", $0) }
        }
    }
}
