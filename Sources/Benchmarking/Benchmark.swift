import Evaluation
import Checkpoint
import Foundation
import Models
import TensorCore

/// Measures checkpoints on one data set: accuracy, size, FLOPs, and forward latency per batch
/// size, beside plain sgemm measured in the same run. Runs on the current `Parallel.threadCount`.
///
/// Timing is interleaved: the timed passes of every model and batch size are split into `rounds`
/// blocks, run in turn (round 1 of every model and batch size, then round 2, …), so that a change
/// of machine load during the run falls on all models alike instead of on whichever ran then. Each
/// block runs back to back on its own model, after `warmup` untimed passes before the first block
/// and `rewarmPasses` before each later one (the other models have since filled the caches).
public struct Benchmark {
    public var settings: BenchmarkSettings
    /// Reads one model file and measures all but its latency; `loadCheckpoint` unless the caller
    /// knows other kinds of model file (a cascade).
    public var load: Loader = Benchmark.loadCheckpoint

    /// A model ready to time: its forward pass, what was measured of it, the config its inputs
    /// fit, and a row name other than the file's (nil: the file's).
    public struct LoadedModel {
        public var predict: (ModelInput) -> Void
        public var measurement: ModelMeasurement
        public var config: ModelConfig
        public var name: String?

        public init(predict: @escaping (ModelInput) -> Void, measurement: ModelMeasurement, config: ModelConfig, name: String? = nil) {
            self.predict = predict; self.measurement = measurement; self.config = config; self.name = name
        }
    }

    /// url, data, evaluation batch size → the loaded model. Errors become the row's failure.
    public typealias Loader = (URL, MultimodalDataset?, Int) throws(BenchmarkError) -> LoadedModel
    /// Blocks each model's timed passes are split into (fewer when there are fewer iterations).
    public static let rounds = 5
    /// Untimed passes before every block after the first.
    public static let rewarmPasses = 2

    public init(settings: BenchmarkSettings, load: @escaping Loader = Benchmark.loadCheckpoint) {
        self.settings = settings
        self.load = load
    }

    /// Distinct batches of real samples each timed pass cycles through, per batch size, so that a
    /// model whose work depends on the sample (a cascade) is timed on many samples, not one.
    public static let rotatingBatches = 16

    /// Benchmarks `checkpoints` in order (the first is the baseline). A checkpoint that cannot be
    /// read, or that does not fit `data`, becomes a failed row; the others are still measured.
    /// Without `data`, latency is timed on generated inputs that fit each model (`syntheticInput`)
    /// and accuracy is left empty. `progress` receives a line per measurement.
    /// - Throws: `.invalidSettings`, or `.unusableData` when `data` is empty or has no labels.
    public func run(checkpoints: [URL], data: MultimodalDataset?,
                    progress: (String) -> Void = { _ in }) throws(BenchmarkError) -> BenchmarkReport {
        do throws(SettingError) { try settings.validate() } catch { throw .invalidSettings(error) }
        if let data {
            guard data.count > 0 else { throw .unusableData(file: data.source, reason: "has no samples") }
            guard data.labels != nil else {
                throw .unusableData(file: data.source, reason: "has no /labels dataset, so accuracy cannot be measured")
            }
        }
        var machine = MachineInfo.current(threads: Parallel.threadCount)
        let shape = SGEMMBaseline.referenceShape
        let gflops = SGEMMBaseline(m: shape.m, n: shape.n, k: shape.k).measureGFLOPS(warmup: 5, iterations: 40)
        progress(String(format: "bench: sgemm %d×%d×%d: %.1f GFLOP/s on %d thread(s), OpenBLAS core %@",
                        shape.m, shape.n, shape.k, gflops, machine.threads, machine.blasCore) + machine.peakClause(gflops))

        // Load and evaluate every checkpoint; those that fail keep their error.
        let paths = checkpoints.map(\.relativePath)
        var entries: [BenchmarkEntry] = []
        let dataInputs = data.map { data in settings.batchSizes.map { Self.inputs(from: data, batchSize: $0) } }
        var loaded: [(entry: Int, model: LoadedModel, inputs: [[ModelInput]])] = []
        for (url, fileName) in zip(checkpoints, BenchmarkEntry.names(for: paths)) {
            var name = fileName
            do {
                let model = try load(url, data, settings.evaluationBatchSize)
                name = model.name ?? fileName
                let measurement = model.measurement
                let inputs = dataInputs ?? settings.batchSizes.map { [Self.syntheticInput(for: model.config, batchSize: $0)] }
                loaded.append((entries.count, model, inputs))
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .measured(measurement)))
                if let accuracy = measurement.accuracy { progress(String(format: "bench: %@: accuracy %.2f%%", name, 100 * accuracy)) }
            } catch {
                progress("bench: \(name): \(error)")
                entries.append(BenchmarkEntry(name: name, path: url.relativePath, outcome: .failed(error.description)))
            }
        }

        // Timed passes, interleaved in rounds.
        var seconds = [[[Double]]](repeating: [[Double]](repeating: [], count: settings.batchSizes.count), count: loaded.count)
        let rounds = min(Self.rounds, settings.iterations)
        for round in 0..<rounds {
            let passes = settings.iterations * (round + 1) / rounds - settings.iterations * round / rounds
            for (modelIndex, (_, model, inputs)) in loaded.enumerated() {
                for (inputIndex, batches) in inputs.enumerated() {
                    for pass in 0..<(round == 0 ? settings.warmup : Self.rewarmPasses) { model.predict(batches[pass % batches.count]) }
                    for _ in 0..<passes {
                        let input = batches[seconds[modelIndex][inputIndex].count % batches.count]
                        seconds[modelIndex][inputIndex].append(WallClock.seconds { model.predict(input) })
                    }
                }
            }
        }
        for (modelIndex, (entryIndex, _, _)) in loaded.enumerated() {
            guard case var .measured(measurement) = entries[entryIndex].outcome else { continue }
            for (inputIndex, batchSize) in settings.batchSizes.enumerated() {
                let statistics = LatencyStatistics(seconds: seconds[modelIndex][inputIndex])
                measurement.latency[batchSize] = statistics
                progress(String(format: "bench: %@ batch %d: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms", entries[entryIndex].name, batchSize,
                                statistics.p50, statistics.p90, statistics.p99))
            }
            entries[entryIndex].outcome = .measured(measurement)
        }
        machine.loadAverageAfter = MachineInfo.loadAverage()
        return BenchmarkReport(machine: machine, sgemmGFLOPS: gflops, sgemmShape: [shape.m, shape.n, shape.k], settings: settings,
                               dataSource: data?.source ?? Self.syntheticSource, sampleCount: data?.count ?? 0, entries: entries)
    }

    /// Loads one checkpoint, checks it against the data and measures all but its latency.
    public static func loadCheckpoint(_ url: URL, data: MultimodalDataset?,
                                      evaluationBatchSize: Int) throws(BenchmarkError) -> LoadedModel {
        let model: FusionModel, metadata: CheckpointMetadata
        do {
            (model, metadata) = try CheckpointFile.loadModel(from: url)
        } catch {
            throw .modelFailed(file: url.relativePath, reason: error.description)
        }
        do {
            try data?.validate(against: model.config)
        } catch {
            throw .modelFailed(file: url.relativePath, reason: "\(url.relativePath): \(error)")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        let accuracy = data.map { data in
            Evaluation.accuracy(logits: Evaluation.logits(of: model, on: data, batchSize: evaluationBatchSize),
                                classes: model.config.numClasses, labels: data.labels!)
        }
        let measurement = ModelMeasurement(precision: metadata.precision.rawValue, parameters: model.parameterCount, bytes: bytes,
                                           flopsPerSample: model.config.forwardFLOPs(), accuracy: accuracy, latency: [:])
        return LoadedModel(predict: { _ = model.predict($0) }, measurement: measurement, config: model.config)
    }

    /// What the report names as its data when none was given.
    public static let syntheticSource = "generated inputs (no data given: accuracy not measured)"

    /// `batchSize` inputs that fit `config`, the same for every run: pixels and token ids from a
    /// fixed-seed generator, every question `max_text_len` tokens long (the most work a question makes).
    public static func syntheticInput(for config: ModelConfig, batchSize: Int) -> ModelInput {
        var generator = RandomGenerator(seed: 17)
        let images = (0..<(batchSize * config.imageSize * config.imageSize * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let tokens = (0..<(batchSize * config.maxTextLen)).map { _ in Int32(1 + generator.integer(below: max(config.vocabSize - 1, 1))) }
        return ModelInput(images: images, tokens: tokens, batchSize: batchSize, textLength: config.maxTextLen)
    }

    /// Up to `rotatingBatches` consecutive batches of `batchSize` samples of `data` (non-empty),
    /// starting again from the first sample when it has fewer.
    public static func inputs(from data: MultimodalDataset, batchSize: Int) -> [ModelInput] {
        let count = max(1, min(rotatingBatches, data.count / batchSize))
        return (0..<count).map { batch in data.batch((0..<batchSize).map { (batch * batchSize + $0) % data.count }).input }
    }
}
