import TensorCore

/// x + linear2(GELU(linear1(norm(x)))), the feed-forward half of a pre-norm transformer block.
/// x: [.., D] → [.., D]. When both products run in int8 on static input codes (and no calibration
/// observer watches them), one fused pass over blocks of rows (`Tensor.int8FeedForward`, the same
/// values); otherwise op by op.
func feedForward(_ x: Tensor, norm: LayerNorm, linear1: Linear, linear2: Linear) -> Tensor {
    if let first = linear1.int8, let firstInput = first.input, let second = linear2.int8, let secondInput = second.input,
       linear1.inputObserver == nil, linear2.inputObserver == nil {
        return .int8FeedForward(x, normWeight: norm.weight, normBias: norm.bias, epsilon: norm.epsilon,
                                first: Int8Product(weights: first.weights, bias: linear1.bias, input: firstInput),
                                second: Int8Product(weights: second.weights, bias: linear2.bias, input: secondInput))
    }
    return linear2(linear1(norm(x), activation: .gelu), adding: x)
}
