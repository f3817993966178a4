import Distributed
import Foundation
import TensorCore
import Training

/// `mpirun -np N MPICheck [train]`, for the tests of data-parallel runs (alone without mpirun).
/// - no argument: each rank contributes [rank + 1, 0.5·rank] and [rank + 1] to an allreduce and
///   prints what it got back;
/// - `train`: trains a linear classifier (x [3] → 4 classes, 41 samples from our PRNG, batches of 8,
///   so the last batch of each epoch holds one sample) for 3 epochs with the `Trainer` over the
///   ranks, and prints its weights and the epochs' mean losses.
@main struct MPICheck {
    static func main() throws {
        let group = ProcessGroup.world
        guard CommandLine.arguments.dropFirst().first == "train" else {
            var floats: [Float] = [Float(group.rank + 1), 0.5 * Float(group.rank)]
            var doubles: [Double] = [Double(group.rank + 1)]
            group.sum(&floats)
            group.sum(&doubles)
            print("rank \(group.rank) of \(group.size): \(floats[0]) \(floats[1]) \(doubles[0])")
            return
        }
        var generator = RandomGenerator(seed: 5)
        let count = 41
        let inputs = (0..<(count * 3)).map { _ in generator.uniform(-1, 1) }
        let labels = (0..<count).map { i in Int32((inputs[i * 3] > 0 ? 2 : 0) + (inputs[i * 3 + 1] > inputs[i * 3 + 2] ? 1 : 0)) }
        let weight = Tensor.normal([4, 3], standardDeviation: 0.5, generator: &generator, requiresGrad: true)
        let trainer = Trainer(phase: "check", parameters: [("weight", weight)],
                              settings: TrainingSettings(epochs: 3, batchSize: 8, learningRate: 0.05, warmupSteps: 2),
                              seed: 9, sampleCount: count, statePath: nil, fingerprint: "check",
                              progress: ProgressReporter(interactive: false, interval: 1e9))
        trainer.replicas = group
        let records = try trainer.run(resume: false, shouldStop: { false }, step: { batch in
            let x = Tensor(shape: [batch.count, 3], storage: batch.flatMap { inputs[($0 * 3)..<($0 * 3 + 3)] })
            let logits = Tensor.matmul(x, weight, transposeB: true)
            return Trainer.StepResult(loss: crossEntropy(logits: logits, labels: batch.map { labels[$0] }), components: ["ce": 0],
                                      correct: batch.count)
        }, evaluate: { 0 })
        let numbers = weight.storage.map { String(format: "%.9g", $0) } + records.map { String(format: "%.9g", $0.trainLoss) }
        print("rank \(group.rank) of \(group.size): " + numbers.joined(separator: " "))
    }
}
