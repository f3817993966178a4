import Benchmarking
import Checkpoint
import Datasets
import Evaluation
import Foundation
import Models
import TensorCore
import Training

/// The training step as a recipe runs it: the `Trainer`'s loop (shuffled batches assembled from
/// the dataset's uint8 images and tokens, cross-entropy, clipping, AdamW and its schedule, the hit
/// count, progress) over generated `shapes` samples, against the bare step (forward, backward,
/// AdamW on a fixed batch). The two alternate, an epoch of the loop with as many bare steps, three
/// times, and each is the median over its steps, so machine load hits both alike.
extension CoreBench {
    func benchmarkRecipeLoop(name: String, config: ModelConfig) {
        let batch = 64, stepsPerEpoch = max(trainSteps, 16)
        let data = ShapesGenerator.generate(count: batch * stepsPerEpoch, seed: 1)
        let model = FusionModel(config: config, seed: 1)
        let trainer = Trainer(phase: name, parameters: model.namedParameters,
                              settings: TrainingSettings(epochs: 1, batchSize: batch, learningRate: 1e-3, warmupSteps: 10),
                              seed: 1, sampleCount: data.count, statePath: nil, fingerprint: name,
                              progress: ProgressReporter(interactive: false, interval: 1e9, quiet: true))
        let bare = FusionModel(config: config, seed: 1)
        let optimizer = AdamW(parameters: bare.parameters, learningRate: 1e-3, weightDecay: 0.05)
        let input = randomInput(config: config, batch: batch, seed: 3)
        let labels = (0..<batch).map { Int32($0 % config.numClasses) }
        var (loopSteps, bareSteps, assembly) = ([Double](), [Double](), [Double]())
        for round in 0..<4 {
            // Whole loop steps: the time from one step's start to the next one's.
            var starts: [Double] = []
            _ = try? trainer.run(resume: false, shouldStop: { false }, step: { indices in
                starts.append(WallClock.now())
                var examples: MultimodalBatch!
                assembly.append(WallClock.seconds { examples = data.batch(indices) })
                let output = model(examples.input)
                return Trainer.StepResult(loss: crossEntropy(logits: output.logits, labels: examples.labels!), components: [:],
                                          correct: Evaluation.hits(logits: output.logits, labels: examples.labels!))
            }, evaluate: { 0 })
            let intervals = zip(starts.dropFirst(), starts).map { $0 - $1 }
            for _ in 0..<stepsPerEpoch {
                let seconds = WallClock.seconds {
                    optimizer.zeroGradients()
                    crossEntropy(logits: bare(input).logits, labels: labels).backward()
                    optimizer.update()
                }
                if round > 0 { bareSteps.append(seconds) }
            }
            if round > 0 { loopSteps += intervals }  // round 0 warms caches and the worker pool up
        }
        let (loop, step) = (Double(batch) / median(loopSteps), Double(batch) / median(bareSteps))
        // What an epoch line reports: the mean, slow steps included.
        let (loopMean, stepMean) = (Double(batch * loopSteps.count) / loopSteps.reduce(0, +),
                                    Double(batch * bareSteps.count) / bareSteps.reduce(0, +))
        print(String(format: "%@ recipe loop batch %d: %7.1f samples/s against the bare step's %.1f (%.0f%%; means %.1f and %.1f); "
                         + "batch assembly %.2f ms/step",
                     name, batch, loop, step, 100 * loop / step, loopMean, stepMean, 1e3 * median(assembly)))
    }
}
