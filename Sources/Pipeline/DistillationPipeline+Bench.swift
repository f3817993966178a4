import Benchmarking
import Checkpoint
import Foundation
import Recipes
import TensorCore

extension DistillationPipeline {
    /// The bench phase: `checkpoints` (the teacher first, the baseline, then the files this run
    /// wrote) on the test data, with the recipe's `bench` settings; writes the report files into
    /// `bench.report` (default `<output>/report`). Rows that fail are in the report; the caller
    /// decides what a failure means for the run.
    func runBench(_ section: BenchSection, checkpoints: [URL], test: MultimodalDataset) throws -> (report: BenchmarkReport, folder: URL) {
        let runThreads = Parallel.threadCount
        if let threads = section.threads {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            if threads > cores {
                progress.line("warning: bench.threads \(threads) is more than the \(cores) cores; latency figures will suffer")
            }
            Parallel.threadCount = threads
        }
        defer { Parallel.threadCount = runThreads }
        let report = try Benchmark(settings: section.settings).run(checkpoints: checkpoints, data: test, progress: progress.line)
        let folder = section.report.map { URL(fileURLWithPath: $0) } ?? output.appendingPathComponent("report")
        try report.write(to: folder)
        progress.line("bench: wrote \(BenchmarkReport.fileNames.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))")
        return (report, folder)
    }
}
