import TensorCore

/// logits = fc(norm(fused)). fused: [B, D] → logits [B, classes] (module prefix `head.`).
public final class ClassifierHead: Module {
    public let norm: LayerNorm
    public let fc: Linear

    public init(dimension: Int, classCount: Int, generator: inout RandomGenerator) {
        norm = LayerNorm(dimension: dimension)
        fc = Linear(inputSize: dimension, outputSize: classCount, generator: &generator)
    }

    public func callAsFunction(_ fused: Tensor) -> Tensor { fc(norm(fused)) }

    public var namedParameters: [(name: String, tensor: Tensor)] { scoped("norm", norm) + scoped("fc", fc) }
}
