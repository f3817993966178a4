import Benchmarking
import Checkpoint
import Datasets
import Distillation
import Foundation
import Models
import TensorCore
import Training

extension CoreBench {
    /// Distillation-step throughput at batch 64 with the default recipe's five loss terms
    /// (forward, backward, clipping and AdamW), once with the teacher's forward pass every step
    /// and once with its outputs cached, as `distill` runs when the cache is valid.
    func benchmarkDistillation(teacher teacherConfig: ModelConfig, student studentConfig: ModelConfig) {
        let batch = 64
        let samples = ShapesGenerator.generate(count: batch, seed: 5).batch(0..<batch)
        let indices = Array(0..<batch)
        let teacher = FusionModel(config: teacherConfig, seed: 1)
        let weights = LossWeights(hard: 0.5, logits: 0.5, features: 1, attention: 0.5, contrastive: 0.1)
        let distiller = StudentDistiller(student: FusionModel(config: studentConfig, seed: 2), teacherWidth: teacherConfig.fusionDim,
                                         objective: DistillationObjective(weights: weights), seed: 3)
        let parameters = distiller.trainableParameters.map(\.tensor)
        let optimizer = AdamW(parameters: parameters, learningRate: 2e-3, weightDecay: 0.05)
        let cached = TeacherOutputs(teacher: teacher, input: samples.input)
        for live in [true, false] {
            var seconds: [Double] = []
            for step in 0..<(trainSteps + 3) {
                let elapsed = WallClock.seconds {
                    optimizer.zeroGradients()
                    let outputs = live ? TeacherOutputs(teacher: teacher, input: samples.input) : cached
                    distiller.step(samples, teacher: outputs, teacherIndices: indices).loss.backward()
                    clipGradients(of: parameters, maximumNorm: 1)
                    optimizer.update()
                }
                if step >= 3 { seconds.append(elapsed) }
            }
            let perStep = median(seconds)
            print(String(format: "distillation batch %d, %@: %7.1f ms/step  %7.1f samples/s", batch,
                         live ? "teacher forward every step" : "cached teacher outputs", perStep * 1e3, Double(batch) / perStep))
        }
    }
}
