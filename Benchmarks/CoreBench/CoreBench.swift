import ArgumentParser
import Benchmarking
import Foundation
import Hardware
import Models
import TensorCore
import Training

/// `make bench`: forward latency and GFLOP/s of the reference teacher and student beside plain
/// `cblas_sgemm` on the model's own largest GEMM shape, training-step throughput, int8 against
/// float32 (each Linear shape, and the whole forward pass), and distillation-step throughput.
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
    @Flag(help: "Only the int8 against float32 comparison.")
    var int8Only = false
    @Flag(help: "Only the distillation steps (make bench-compare's Condenser side).")
    var distillationOnly = false
    @Option(help: """
        Model config files (e.g. a checkpoint's model_config before and after pruning) to compare, \
        alternating their forward passes; skips the default runs.
        """)
    var compare: [String] = []

    static func main() {
        // Before OpenBLAS starts its threads: this may execute the process again on a better BLAS core.
        let blasCore = BLASCoreSelection.applyAtStartup()
        if let notice = blasCore.notice { FileHandle.standardError.write(Data("core-bench: \(notice)\n".utf8)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard iterations >= 1, warmup >= 0, trainSteps >= 1 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        Parallel.threadCount = threads
        print("core-bench: \(threads) thread(s), \(ProcessInfo.processInfo.activeProcessorCount) core(s)")
        let machine = printMachine()
        if !compare.isEmpty {
            let configs = try compare.map { try ModelConfig.decode(json: Data(contentsOf: URL(fileURLWithPath: $0))) }
            return compareForward(names: compare, configs: configs)
        }
        var configs: [ModelConfig] = []
        for name in ["teacher", "student"] {
            let url = URL(fileURLWithPath: models).appendingPathComponent("\(name).json")
            let config = try ModelConfig.decode(json: Data(contentsOf: url))
            configs.append(config)
            if distillationOnly { continue }
            if !int8Only {
                benchmarkForward(name: name, config: config, machine: machine)
                benchmarkTraining(name: name, config: config)
                benchmarkRecipeLoop(name: name, config: config)
            }
            benchmarkInt8(name: name, config: config)
        }
        if !int8Only || distillationOnly { benchmarkDistillation(teacher: configs[0], student: configs[1]) }
    }

    func benchmarkForward(name: String, config: ModelConfig, machine: MachineInfo) {
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
            print(String(format: "%@ forward  batch %2d: p50 %7.3f ms  p90 %7.3f ms  %6.1f GFLOP/s  "
                             + "(sgemm %d×%d×%d: %6.1f GFLOP/s, model at %3.0f%%)",
                         name, batch, latency.p50, latency.p90, achieved, m, n, k, baseline, 100 * achieved / baseline)
                  + peakShares(["model": achieved, "sgemm": baseline], on: machine))
        }
    }

    /// The machine, OpenBLAS's core and the theoretical peak, then plain sgemm 512³ as a share of that peak.
    func printMachine() -> MachineInfo {
        let machine = MachineInfo.current(threads: threads)
        print("core-bench: \(machine.cpuModel); \(machine.hardwareSummary)")
        if let selection = machine.blasCoreSelection { print("core-bench: \(selection)") }
        let shape = SGEMMBaseline.referenceShape
        let gflops = SGEMMBaseline(m: shape.m, n: shape.n, k: shape.k).measureGFLOPS(warmup: 5, iterations: 40)
        print(String(format: "sgemm %d×%d×%d: %.1f GFLOP/s", shape.m, shape.n, shape.k, gflops)
              + peakShares(["sgemm": gflops], on: machine))
        if let warning = machine.slowSGEMMWarning(gflops) { print("warning: " + warning) }
        return machine
    }

    /// ", model 41% of peak, sgemm 77% of peak", or nothing without a known peak.
    func peakShares(_ figures: KeyValuePairs<String, Double>, on machine: MachineInfo) -> String {
        guard machine.peak != nil else { return "" }
        return figures.map { String(format: ", %@ %.0f%% of peak", $0.key, 100 * machine.fractionOfPeak($0.value)!) }.joined()
    }

    /// Forward latency of several architectures, interleaved pass by pass so that all see the same
    /// machine load; ratios are against the first.
    func compareForward(names: [String], configs: [ModelConfig]) {
        let models = configs.map { FusionModel(config: $0, seed: 1) }
        for batch in [1, 32] {
            let inputs = configs.map { randomInput(config: $0, batch: batch, seed: 2) }
            var times = [[Double]](repeating: [], count: models.count)
            for _ in 0..<warmup { for (model, input) in zip(models, inputs) { _ = model.predict(input) } }
            for _ in 0..<iterations {
                for (i, (model, input)) in zip(models, inputs).enumerated() {
                    times[i].append(WallClock.seconds { _ = model.predict(input) })
                }
            }
            let statistics = times.map { LatencyStatistics(seconds: $0) }
            for (i, name) in names.enumerated() {
                print(String(format: "batch %2d  %@: p50 %7.3f ms  p90 %7.3f ms  %5.2f× faster than the first  "
                                 + "(%.1f MFLOP/sample, %.2f× fewer)",
                             batch, name, statistics[i].p50, statistics[i].p90, statistics[0].p50 / statistics[i].p50,
                             Double(configs[i].forwardFLOPs()) / 1e6,
                             Double(configs[0].forwardFLOPs()) / Double(configs[i].forwardFLOPs())))
            }
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
