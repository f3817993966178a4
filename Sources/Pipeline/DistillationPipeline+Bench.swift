import Benchmarking
import Checkpoint
import Foundation
import Recipes
import TensorCore

extension DistillationPipeline {
    /// Checkpoints of the output folder the bench phase measures after the teacher, in this order,
    /// those that exist.
    static let benchedCheckpoints = ["student.h5", "student-scratch.h5", "student-pruned.h5", "student-int8.h5", "student-pruned-int8.h5"]

    /// The bench phase: the teacher (the baseline) and every checkpoint of `benchedCheckpoints` that
    /// exists, on the test data, with the recipe's `bench` settings; writes the report files into
    /// `bench.report` (default `<output>/report`). Rows that fail are in the report; the caller
    /// decides what a failure means for the run.
    func runBench(_ section: BenchSection, test: MultimodalDataset) throws -> (report: BenchmarkReport, folder: URL) {
        let checkpoints = [URL(fileURLWithPath: recipe.teacher.checkpoint)]
            + Self.benchedCheckpoints.map { output.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
        let runThreads = Parallel.threadCount
        if let threads = section.threads {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if threads > cores { progress.line("warning: bench.threads \(threads) is more than the \(cores) cores; latency figures will suffer") }
            Parallel.threadCount = threads
        }
        defer { Parallel.threadCount = runThreads }
        let settings = BenchmarkSettings(batchSizes: section.batchSizes, warmup: section.warmup, iterations: section.iterations)
        let report = try Benchmark(settings: settings).run(checkpoints: checkpoints, data: test, progress: progress.line)
        let folder = section.report.map { URL(fileURLWithPath: $0) } ?? output.appendingPathComponent("report")
        try report.write(to: folder)
        progress.line("bench: wrote \(BenchmarkReport.fileNames.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))")
        return (report, folder)
    }
}
