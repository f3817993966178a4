import ArgumentParser
import Benchmarking
import Checkpoint
import Deployment
import Foundation
import Logging
import Models

/// `condenser bench`: accuracy, size, FLOPs and latency of checkpoints, compared with the first.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Latency against accuracy: benchmark checkpoints on a dataset and compare them with the first.",
        discussion: """
            Prints a table; with --report also writes report.md, report.csv, report.json and report.svg \
            (docs/bench.md). A checkpoint that cannot be read, or does not fit the data, is reported in \
            its row while the others are still measured; the command then exits with status 1 after \
            writing the report, so that scripts and CI notice.
            """)

    @Argument(help: ArgumentHelp("Checkpoints or cascades (cascade.json); the first is the baseline (normally the teacher).",
                                 valueName: "model.h5"))
    var checkpoints: [String] = []
    @Option(help: ArgumentHelp("Labelled dataset file for accuracy and as latency inputs (without it: latency only, on generated inputs).",
                               valueName: "test.h5"))
    var data: String?
    @Option(help: "Batch sizes to time, separated by commas.")
    var batchSizes = "1,32"
    @Option(help: "Untimed forward passes per model and batch size before timing.")
    var warmup = 20
    @Option(help: "Timed forward passes per model and batch size.")
    var iterations = 200
    @Option(help: "Folder for report.md, report.csv, report.json and report.svg.")
    var report: String?
    @OptionGroup var runtime: RuntimeOptions

    /// `batchSizes` as numbers; throws a message naming the option.
    func parsedBatchSizes() throws -> [Int] {
        let parts = batchSizes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var sizes: [Int] = []
        for part in parts {
            guard let size = Int(part), size >= 1 else {
                throw ValidationError("--batch-sizes: \"\(part)\" is not a batch size; "
                                      + "expected whole numbers >= 1 separated by commas, e.g. 1,32")
            }
            guard !sizes.contains(size) else { throw ValidationError("--batch-sizes: \(size) is listed twice") }
            sizes.append(size)
        }
        return sizes
    }

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("name at least one checkpoint to benchmark") }
        let settings = try settings()
        try validateSettings { () throws(SettingError) in try settings.validate() }
    }

    func settings() throws -> BenchmarkSettings {
        BenchmarkSettings(batchSizes: try parsedBatchSizes(), warmup: warmup, iterations: iterations)
    }

    func run() throws {
        let logger = Logger(label: "condenser.bench")
        runtime.apply(logger: logger)
        let dataset = try data.map { try MultimodalDataset.read(from: URL(fileURLWithPath: $0)) }
        if dataset == nil {
            FileHandle.standardError.write(Data(("bench: no --data: latency on generated inputs that fit each model; "
                                                 + "accuracy is left empty (pass --data test.h5 to measure it)\n").utf8))
        }
        let benchmark = Benchmark(settings: try settings(), load: Cascade.benchmarkLoader)
        let result = try benchmark.run(checkpoints: checkpoints.map { URL(fileURLWithPath: $0) }, data: dataset) { line in
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        print(result.terminalTable())
        if let report {
            try result.write(to: URL(fileURLWithPath: report))
            print("wrote \(BenchmarkReport.fileNames.map { "\(report)/\($0)" }.joined(separator: ", "))")
        }
        let failures = result.failures
        if !failures.isEmpty {
            throw CommandError.benchFailed(failed: failures.count, of: result.entries.count,
                                           failures: failures.map { $0.error ?? $0.path })
        }
    }
}
