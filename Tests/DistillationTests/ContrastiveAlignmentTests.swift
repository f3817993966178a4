import Foundation
import Testing
import TestSupport
import TensorCore
import Distillation

@Suite struct ContrastiveAlignmentTests {
    let vision = Tensor(shape: [3, 4], storage: [1, 0.5, -0.2, 0, -0.3, 1.2, 0.4, 0.1, 0.2, -0.1, 0.3, 1.5])
    let text = Tensor(shape: [3, 4], storage: [0.8, 0.1, 0, -0.4, 0.2, 0.9, 0.6, 0, -0.5, 0.3, 0.2, 1])

    /// −(1/B) Σ_i log softmax(S_i)[i] in Double.
    static func crossEntropyOnDiagonal(_ s: [[Double]]) -> Double {
        var total = 0.0
        for i in s.indices {
            var sumExp = 0.0
            for j in s.indices { sumExp += exp(s[i][j]) }
            total -= s[i][i] - log(sumExp)
        }
        return total / Double(s.count)
    }

    @Test(arguments: [0.07, 0.5, 1] as [Float])
    func valueMatchesHandComputation(temperature: Float) {
        let s = Reference.similarity(vision, text, temperature: Double(temperature))
        let expected = 0.5 * (Self.crossEntropyOnDiagonal(s) + Self.crossEntropyOnDiagonal(Reference.transposed(s)))
        let loss = DistillationLoss.contrastive(vision: vision, text: text, temperature: temperature)
        #expect(loss.shape == [])
        #expect(abs(Double(loss.item) - expected) <= 1e-5 * max(1, expected))
        #expect(abs(Self.crossEntropyOnDiagonal(s) - Self.crossEntropyOnDiagonal(Reference.transposed(s))) > 1e-3,
                "both directions must matter in this example")
    }

    @Test func gradientMatchesFiniteDifferences() {
        checkGradients([randomTensor([3, 4], seed: 21), randomTensor([3, 4], seed: 22)], step: 1e-3) {
            DistillationLoss.contrastive(vision: $0[0], text: $0[1], temperature: 0.5)
        }
    }

    @Test func alignedPairsScoreBelowShuffledPairs() {
        // Near one-hot rows: pair b points along axis b in both modalities.
        var generator = RandomGenerator(seed: 23)
        var storage = [Float](repeating: 0, count: 16)
        for b in 0..<4 {
            for d in 0..<4 { storage[b * 4 + d] = (b == d ? 1 : 0) + generator.uniform(-0.05, 0.05) }
        }
        let vision = Tensor(shape: [4, 4], storage: storage)
        let shuffled = Tensor(shape: [4, 4], storage: [1, 2, 3, 0].flatMap { storage[($0 * 4)..<($0 * 4 + 4)] })
        let aligned = DistillationLoss.contrastive(vision: vision, text: vision, temperature: 0.1).item
        let mismatched = DistillationLoss.contrastive(vision: vision, text: shuffled, temperature: 0.1).item
        #expect(aligned < 0.01)
        #expect(mismatched > 5)
    }
}
