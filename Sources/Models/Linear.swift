import TensorCore

/// y = x·Wᵀ + b (PyTorch `nn.Linear`). x: [.., in] → [.., out]; weight [out, in], bias [out].
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor
    public var int8: Int8Linear?
    public var inputObserver: (@Sendable (Tensor) -> Void)?

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]], "linear weight \(weight.shape) and bias \(bias.shape) disagree")
        self.weight = weight
        self.bias = bias
    }

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    /// x: [.., in] → [.., out]; with `residual` [.., out], residual + x·Wᵀ + b in one pass.
    public func callAsFunction(_ x: Tensor, adding residual: Tensor? = nil) -> Tensor {
        product(x, bias: bias, residual: residual)
    }

    /// activation(x·Wᵀ + b) in one pass: x: [.., in] → [.., out].
    public func callAsFunction(_ x: Tensor, activation: LinearActivation) -> Tensor {
        product(x, bias: bias, activation: activation)
    }

    public var members: [(name: String, member: ModuleMember)] { [("weight", .parameter(weight)), ("bias", .parameter(bias))] }
}

extension Linear {
    /// PyTorch's default initialisation: weight and bias uniform in ±1/√in.
    public convenience init(inputSize: Int, outputSize: Int, generator: inout RandomGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        self.init(weight: .uniform([outputSize, inputSize], bound: bound, generator: &generator, requiresGrad: true),
                  bias: .uniform([outputSize], bound: bound, generator: &generator, requiresGrad: true))
    }
}
