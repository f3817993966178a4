import ArgumentParser
import Benchmarking
import Foundation
import Models
import TensorCore
import Training

/// `make bench`: forward latency and GFLOP/s of the reference teacher and student beside plain
/// `cblas_sgemm` on the model's own largest GEMM shape, and training-step throughput.
@main
struct CoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core-bench",
        abstract: "Forward latency, achieved GFLOP/s against plain sgemm, and training throughput.")

    @Option(help: "Threads for OpenBLAS and parallel loops.")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed forward passes per configuration.")
    var iterations = 100
    @Option(help: "Untimed forward passes first.")
    var warmup = 10
    @Option(help: "Timed training steps per model.")
    var trainSteps = 20
    @Option(help: "Folder holding teacher.json and student.json.")
    var models = "recipes/models"

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard iterations >= 1, warmup >= 0, trainSteps >= 1 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        Parallel.threadCount = threads
        print("core-bench: \(threads) thread(s), \(ProcessInfo.processInfo.activeProcessorCount) core(s)")
        for name in ["teacher", "student"] {
            let url = URL(fileURLWithPath: models).appendingPathComponent("\(name).json")
            let config = try ModelConfig.decode(json: Data(contentsOf: url))
            benchmarkForward(name: name, config: config)
            benchmarkTraining(name: name, config: config)
        }
    }

    func benchmarkForward(name: String, config: ModelConfig) {
        let model = FusionModel(config: config, seed: 1)
        let flops = Double(config.forwardFLOPs())
        for batch in [1, 32] {
            let input = randomInput(config: config, batch: batch, seed: 2)
            let (m, n, k) = (batch * config.patchCount, config.visionDim * config.mlpRatio, config.visionDim)
            let sgemm = SGEMMBaseline(m: m, n: n, k: k)
            // Alternate the two so that both see the same machine load.
            var modelTimes: [Double] = [], sgemmTimes: [Double] = []
            for _ in 0..<warmup { _ = model.predict(input); sgemm.run() }
            for _ in 0..<iterations {
                modelTimes.append(WallClock.seconds { _ = model.predict(input) })
                sgemmTimes.append(WallClock.seconds { sgemm.run() })
            }
            let latency = LatencyStatistics(seconds: modelTimes)
            let achieved = flops * Double(batch) / (latency.p50 / 1e3) / 1e9
            let baseline = sgemm.flops / (LatencyStatistics(seconds: sgemmTimes).p50 / 1e3) / 1e9
            print(String(format: "%@ forward  batch %2d: p50 %7.3f ms  p90 %7.3f ms  %6.1f GFLOP/s  (sgemm %d×%d×%d: %6.1f GFLOP/s, model at %3.0f%%)",
                         name, batch, latency.p50, latency.p90, achieved, m, n, k, baseline, 100 * achieved / baseline))
        }
    }

    func benchmarkTraining(name: String, config: ModelConfig) {
        let batch = 64
        let model = FusionModel(config: config, seed: 1)
        let optimizer = AdamW(parameters: model.parameters, learningRate: 1e-3, weightDecay: 0.05)
        let input = randomInput(config: config, batch: batch, seed: 3)
        var generator = RandomGenerator(seed: 4)
        let labels = (0..<batch).map { _ in Int32(generator.integer(below: config.numClasses)) }
        var phases: [[Double]] = [[], [], []]
        for step in 0..<(trainSteps + 3) {
            var loss: Tensor!
            let forward = WallClock.seconds {
                optimizer.zeroGradients()
                loss = crossEntropy(logits: model(input).logits, labels: labels)
            }
            let backward = WallClock.seconds { loss.backward() }
            let update = WallClock.seconds { optimizer.update() }
            if step >= 3 { for (i, t) in [forward, backward, update].enumerated() { phases[i].append(t) } }
        }
        let (f, b, u) = (median(phases[0]), median(phases[1]), median(phases[2]))
        print(String(format: "%@ training batch %d: %7.1f ms/step  %7.1f samples/s  (forward %.1f ms, backward %.1f ms, AdamW %.1f ms)",
                     name, batch, (f + b + u) * 1e3, Double(batch) / (f + b + u), f * 1e3, b * 1e3, u * 1e3))
    }
}

/// Random images and questions (a few padding tokens at the end of each question).
func randomInput(config: ModelConfig, batch: Int, seed: UInt64) -> ModelInput {
    var generator = RandomGenerator(seed: seed)
    let images = (0..<(batch * config.imageSize * config.imageSize * 3)).map { _ in UInt8(generator.integer(below: 256)) }
    let length = config.maxTextLen
    var tokens = [Int32](repeating: 0, count: batch * length)
    for b in 0..<batch {
        let used = length - generator.integer(below: length / 2)
        for l in 0..<used { tokens[b * length + l] = Int32(1 + generator.integer(below: config.vocabSize - 1)) }
    }
    return ModelInput(images: images, tokens: tokens, batchSize: batch, textLength: length)
}

/// Median of durations in seconds (nearest rank, as `LatencyStatistics`).
func median(_ seconds: [Double]) -> Double { LatencyStatistics(seconds: seconds).p50 / 1e3 }
