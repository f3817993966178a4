import Testing
import TestSupport
@testable import TensorCore

@Suite struct Int8FeedForwardTests {
    /// The fused pass against its ops in turn: LayerNorm, the first product with GELU, the second with the
    /// residual. Widths off the kernels' multiples (10 inputs and 22 hidden channels pad to 12 and 24
    /// codes and fill part of a panel); 45 rows leave a partial block; 700 rows split across the cores.
    @Test(arguments: [45, 700]) func fusedPassEqualsItsOpsInTurn(rows: Int) {
        let (d, hidden) = (10, 22)
        let x = randomTensor([rows, d], seed: 1, scale: 2)
        let (normWeight, normBias) = (randomTensor([d], seed: 2), randomTensor([d], seed: 3))
        let first = Int8Product(weights: .quantizing(randomTensor([hidden, d], seed: 4)), bias: randomTensor([hidden], seed: 5),
                                input: ActivationQuantization(low: -2, high: 2.5))
        let second = Int8Product(weights: .quantizing(randomTensor([d, hidden], seed: 6)), bias: randomTensor([d], seed: 7),
                                 input: ActivationQuantization(low: -0.2, high: 1.5))
        let fused = Tensor.int8FeedForward(x, normWeight: normWeight, normBias: normBias, epsilon: 1e-5, first: first, second: second)
        let normalised = Tensor.layerNorm(x, weight: normWeight, bias: normBias, epsilon: 1e-5)
        let activated = Tensor.int8Linear(normalised, weights: first.weights, bias: first.bias, input: first.input, activation: .gelu)
        let expected = Tensor.int8Linear(activated, weights: second.weights, bias: second.bias, input: second.input, residual: x)
        #expect(fused.shape == [rows, d])
        #expect(fused.storage == expected.storage)
        // Without biases too.
        let bare = Tensor.int8FeedForward(x, normWeight: normWeight, normBias: normBias, epsilon: 1e-5,
                                          first: Int8Product(weights: first.weights, bias: nil, input: first.input),
                                          second: Int8Product(weights: second.weights, bias: nil, input: second.input))
        let bareHidden = Tensor.int8Linear(normalised, weights: first.weights, bias: nil, input: first.input, activation: .gelu)
        #expect(bare.storage == Tensor.int8Linear(bareHidden, weights: second.weights, bias: nil, input: second.input, residual: x).storage)
    }
}
