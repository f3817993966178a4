import Checkpoint
import Datasets
import Foundation
import Models
import Recipes
import TensorCore
import Testing
import TestSupport
@testable import Training

/// A tiny model and data set that train in milliseconds.
let tinyConfig = ModelConfig(imageSize: 32, patchSize: 8, visionDim: 8, visionDepth: 1, visionHeads: 2,
                             vocabSize: 64, maxTextLen: 16, textDim: 8, textDepth: 1, textHeads: 2,
                             fusionDim: 8, fusionHeads: 2, numClasses: 32)
let tinyData = ShapesGenerator.generate(count: 40, seed: 5)

func makeTrainer(_ model: FusionModel, statePath: URL?, fingerprint: String = "run", segments: [Int] = []) -> Trainer {
    Trainer(phase: "test", parameters: model.namedParameters,
            settings: TrainingSettings(epochs: 2, batchSize: 16, learningRate: 3e-3, weightDecay: 0.01, warmupSteps: 2, gradientClip: 1),
            seed: 9, sampleCount: tinyData.count, statePath: statePath, fingerprint: fingerprint,
            progress: ProgressReporter(interactive: false, interval: 1e9), segments: segments)
}

func step(_ model: FusionModel) -> ([Int]) -> Trainer.StepResult {
    { indices in
        let batch = tinyData.batch(indices)
        return Trainer.StepResult(loss: crossEntropy(logits: model(batch.input).logits, labels: batch.labels!), components: [:], correct: 0)
    }
}

@Suite struct TrainerTests {
    /// One segment stopped in its first epoch (step 2 of 3), and two learning-rate segments stopped
    /// inside the second (step 5), each resumed in a fresh process-like setting.
    @Test(arguments: [([Int](), 2), ([1, 1], 5)])
    func resumedRunEqualsUninterruptedRun(segments: [Int], stopAfter: Int) throws {
        let folder = try TemporaryDirectory()
        let reference = FusionModel(config: tinyConfig, seed: 1)
        let referenceRecords = try makeTrainer(reference, statePath: nil, segments: segments)
            .run(resume: false, step: step(reference), evaluate: { 0.5 })

        let statePath = folder.file("state.h5")
        let interrupted = FusionModel(config: tinyConfig, seed: 1)
        var steps = 0
        #expect(throws: TrainingError.self) {
            try makeTrainer(interrupted, statePath: statePath, segments: segments)
                .run(resume: false, shouldStop: { steps += 1; return steps == stopAfter }, step: step(interrupted), evaluate: { 0.5 })
        }
        let resumed = FusionModel(config: tinyConfig, seed: 77)  // other initial weights: all must come from the state
        let records = try makeTrainer(resumed, statePath: statePath, segments: segments)
            .run(resume: true, step: step(resumed), evaluate: { 0.5 })
        #expect(resumed.parameters.map(\.storage) == reference.parameters.map(\.storage))
        #expect(records.map(\.trainLoss) == referenceRecords.map(\.trainLoss))
        #expect(reference.parameters.map(\.storage) != FusionModel(config: tinyConfig, seed: 1).parameters.map(\.storage))

        // A finished run resumes to nothing new.
        let again = FusionModel(config: tinyConfig, seed: 78)
        #expect(try makeTrainer(again, statePath: statePath, segments: segments)
            .run(resume: true, step: { _ in fatalError("no steps expected") }, evaluate: { 0 }).count == 2)
    }

    @Test func epochDataIsToldEveryEpochAlsoOnResume() throws {
        let folder = try TemporaryDirectory()
        let model = FusionModel(config: tinyConfig, seed: 1)
        var told: [Int] = [], steps = 0
        #expect(throws: TrainingError.self) {
            // 3 steps per epoch: stop after step 2 of the second epoch.
            try makeTrainer(model, statePath: folder.file("s.h5")).run(resume: false, shouldStop: { steps += 1; return steps == 5 },
                                                                       epochData: { told.append($0) }, step: step(model), evaluate: { 0 })
        }
        #expect(told == [0, 1])
        _ = try makeTrainer(model, statePath: folder.file("s.h5")).run(resume: true, epochData: { told.append($0) }, step: step(model),
                                                                       evaluate: { 0 })
        #expect(told == [0, 1, 1], "the resumed run is told the epoch it continues")
    }

    @Test func stateOfAnotherRunIsRefused() throws {
        let folder = try TemporaryDirectory()
        let model = FusionModel(config: tinyConfig, seed: 1)
        _ = try makeTrainer(model, statePath: folder.file("s.h5")).run(resume: false, step: step(model), evaluate: { 0 })
        #expect {
            try makeTrainer(model, statePath: folder.file("s.h5"), fingerprint: "other")
                .run(resume: true, step: step(model), evaluate: { 0 })
        } throws: { error in
            guard case .stateMismatch(let file, _) = error as? TrainingError else { return false }
            return file.hasSuffix("s.h5")
        }
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastGoodState() throws {
        let folder = try TemporaryDirectory()
        let model = FusionModel(config: tinyConfig, seed: 1)
        var calls = 0
        let good = step(model)
        #expect {
            try makeTrainer(model, statePath: folder.file("s.h5")).run(resume: false, step: { indices in
                calls += 1
                if calls == 5 { return Trainer.StepResult(loss: Tensor.scalar(.nan), components: [:], correct: 0) }
                return good(indices)
            }, evaluate: { 0 })
        } throws: { error in
            guard case .nonFinite(_, let epoch, let stepIndex, _) = error as? TrainingError else { return false }
            return epoch == 2 && stepIndex == 2
        }
        // The epoch-1 state is intact and resumable.
        let archive = try TensorArchive.read(from: folder.file("s.h5"), kind: TrainingState.kind)
        #expect(archive.attributes["position"]!.contains("\"epoch\":1"))
    }

    @Test func scheduleWarmsUpThenFollowsCosine() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 14)
        #expect(schedule.rate(at: 0) == 0.25 && schedule.rate(at: 3) == 1)
        #expect(Swift.abs(schedule.rate(at: 9) - 0.5) < 1e-6)   // halfway through the 10 decay steps: ½(1 + cos π/2)
        #expect(schedule.rate(at: 14) == 0)
        // Segments restart: the second of [14, 6] warms up again from step 14, and decays to 0 at 20.
        let segmented = LearningRateSchedule(peak: 1, warmupSteps: 4, segmentSteps: [14, 6])
        #expect((0..<14).allSatisfy { segmented.rate(at: $0) == schedule.rate(at: $0) })
        #expect(segmented.rate(at: 14) == 0.25 && segmented.rate(at: 17) == 1 && segmented.rate(at: 18) == 1)
        #expect(Swift.abs(segmented.rate(at: 19) - 0.5) < 1e-6 && segmented.rate(at: 20) == 0 && segmented.rate(at: 25) == 0)
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let a = Tensor(shape: [2], storage: [0, 0]), b = Tensor(shape: [1], storage: [0])
        a.grad = [3, 0]
        b.grad = [4]
        #expect(clipGradients(of: [a, b], maximumNorm: 1) == 5)
        #expect(Swift.abs(a.grad![0] - 0.6) < 1e-5 && Swift.abs(b.grad![0] - 0.8) < 1e-5)
        a.grad = [0.3, 0]
        #expect(clipGradients(of: [a], maximumNorm: 1) == 0.3 && a.grad! == [0.3, 0])
    }

    @Test func adamWMatchesTheFormula() {
        // One matrix (decayed) and one bias (not decayed), two steps, against the PyTorch AdamW update by hand.
        let w = Tensor(shape: [1, 1], storage: [1]), b = Tensor(shape: [1], storage: [1])
        let optimizer = AdamW(parameters: [w, b], learningRate: 0.1, weightDecay: 0.5)
        var (pw, pb, m, v) = (1.0, 1.0, 0.0, 0.0)
        for (t, g) in [(1, 0.5), (2, -0.25)] {
            w.grad = [Float(g)]; b.grad = [Float(g)]
            optimizer.update()
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let update = 0.1 * (m / (1 - pow(0.9, Double(t)))) / ((v / (1 - pow(0.999, Double(t)))).squareRoot() + 1e-8)
            pw = pw * (1 - 0.1 * 0.5) - update
            pb = pb - update
        }
        #expect(Swift.abs(Double(w.storage[0]) - pw) < 1e-6 && Swift.abs(Double(b.storage[0]) - pb) < 1e-6)
    }

    @Test func crossEntropyMatchesHandComputation() {
        let logits = Tensor(shape: [2, 3], storage: [1, 2, 3, 0, 0, 0])
        let expected = -((3 - log(exp(1.0) + exp(2.0) + exp(3.0))) + (0 - log(3.0))) / 2  // labels 2 and 0
        #expect(Swift.abs(Double(crossEntropy(logits: logits, labels: [2, 0]).item) - expected) < 1e-6)
    }
}
