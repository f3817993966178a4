import TensorCore

/// Normalisation over the last axis with learned scale and shift (PyTorch `nn.LayerNorm`, eps 1e-5).
/// x: [.., D] → [.., D]
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    /// Added to the variance (PyTorch's default).
    public let epsilon: Float = 1e-5

    /// Weight 1 and bias 0 (PyTorch's default).
    public init(dimension: Int) {
        weight = .filled([dimension], with: 1, requiresGrad: true)
        bias = .zeros([dimension], requiresGrad: true)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }

    public var members: [(name: String, member: ModuleMember)] { [("weight", .parameter(weight)), ("bias", .parameter(bias))] }
}
