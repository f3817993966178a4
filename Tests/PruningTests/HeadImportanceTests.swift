import Models
import Testing
import TestSupport
import TensorCore
import Training
@testable import Pruning

@Suite struct HeadImportanceTests {
    /// ∂L/∂ξ from autograd against central finite differences of the loss in each gate.
    @Test func gateGradientsMatchFiniteDifferences() {
        let model = FusionModel(config: pruningConfig, seed: 5)
        let input = randomInput(pruningConfig, batch: 3, length: 5, seed: 8)
        let labels: [Int32] = [0, 3, 1]
        let gradients = HeadImportance.gateGradients(of: model, input: input, labels: labels)
        #expect(gradients.map(\.count) == [4, 4, 2, 4])

        func loss() -> Double { Double(Tensor.withoutGradients { crossEntropy(logits: model(input).logits, labels: labels) }.item) }
        let step: Float = 1e-2
        for (site, analytic) in zip(AttentionSite.all(in: model), gradients) {
            for head in 0..<site.attention.headCount {
                site.attention.headGates.storage[head] = 1 + step
                let plus = loss()
                site.attention.headGates.storage[head] = 1 - step
                let minus = loss()
                site.attention.headGates.storage[head] = 1
                let numeric = (plus - minus) / (2 * Double(step))
                #expect(Swift.abs(Double(analytic[head]) - numeric) <= 2e-4 + 2e-2 * Swift.abs(numeric),
                        "\(site.prefix) head \(head): autograd \(analytic[head]), finite difference \(numeric)")
            }
        }
        // Measuring leaves the model as it was: gates at 1 without gradients, parameters trainable.
        #expect(AttentionSite.all(in: model).allSatisfy { !$0.attention.headGates.requiresGrad })
        #expect(model.parameters.allSatisfy { $0.requiresGrad })
    }

    /// measure = per-sample mean of |gradient|, each layer divided by its root-mean-square.
    @Test func measureAveragesAbsoluteGradientsAndNormalisesPerLayer() throws {
        let model = FusionModel(config: pruningConfig, seed: 6)
        let data = try randomDataset(pruningConfig, count: 4, seed: 2)
        let scores = try HeadImportance.measure(model: model, data: data, samples: 3, batchSize: 1)
        var sums = [[Float]](repeating: [], count: 4)
        for i in 0..<3 {
            let g = HeadImportance.gateGradients(of: model, input: data.batch(i..<(i + 1)).input, labels: [data.labels![i]])
            for site in 0..<4 {
                sums[site] = sums[site].isEmpty ? g[site].map(Swift.abs) : zip(sums[site], g[site]).map { $0 + Swift.abs($1) }
            }
        }
        for (site, sum) in sums.enumerated() {
            let rms = (sum.map { Double($0 * $0) }.reduce(0, +) / Double(sum.count)).squareRoot()
            for (head, value) in sum.enumerated() {
                #expect(Swift.abs(Double(scores[site][head]) - Double(value) / rms) < 1e-4)
            }
        }
    }
}
