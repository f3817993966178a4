import TensorCore
import TestSupport

/// A tensor whose last-axis rows are probabilities (softmax of random logits), as attention weights are.
func randomDistributions(_ shape: [Int], seed: UInt64) -> Tensor {
    let logits = randomTensor(shape, seed: seed, scale: 1.5)
    return Tensor(shape: shape, storage: logits.softmax().storage)
}
