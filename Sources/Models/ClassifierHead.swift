import TensorCore

/// The classifier (module prefix `head.`). With `head: "fused"`: logits = fc(norm(fused)),
/// fused: [B, D] → [B, classes]. With `head: "tokens"`: logits = fc(gelu(hidden([tokens′, norm(fused)]))),
/// where tokens′ [B, L·D] are the refined question's states with padding positions zeroed.
public final class ClassifierHead: Module {
    public let norm: LayerNorm
    /// The token head's first layer, [L·D + D] → head_hidden (nil for the fused head).
    public let hidden: Linear?
    public let fc: Linear

    public init(config: ModelConfig, generator: inout RandomGenerator) {
        norm = LayerNorm(dimension: config.fusionDim)
        if config.head == .tokens {
            hidden = Linear(inputSize: config.headInputSize, outputSize: config.headHidden, generator: &generator)
            fc = Linear(inputSize: config.headHidden, outputSize: config.numClasses, generator: &generator)
        } else {
            hidden = nil
            fc = Linear(inputSize: config.fusionDim, outputSize: config.numClasses, generator: &generator)
        }
    }

    /// fused: [B, D]; tokens: [B, L, D] (the token head only), textMask: B·L flags → logits [B, classes].
    public func callAsFunction(_ fused: Tensor, tokens: Tensor? = nil, textMask: [Bool] = []) -> Tensor {
        guard let hidden else { return fc(norm(fused)) }
        guard let tokens else { preconditionFailure("the token head needs the fusion's refined tokens") }
        let (batch, length, width) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
        let keep = Tensor(shape: [batch, length, 1], storage: textMask.map { $0 ? 1 : 0 })
        // A shorter question than max_text_len fills the remaining positions with zeros.
        let padded = (tokens * keep).reshaped([batch, length * width])
        let flat = length * width == hidden.inputSize - width ? padded
            : Tensor.concat([padded, .zeros([batch, hidden.inputSize - width - length * width])], axis: 1)
        return fc(hidden(Tensor.concat([flat, norm(fused)], axis: 1), activation: .gelu))
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("norm", .module(norm))] + (hidden.map { [("hidden", .module($0))] } ?? []) + [("fc", .module(fc))]
    }
}
