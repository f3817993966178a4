import Benchmarking
import Checkpoint
import Deployment
import Foundation
import Recipes
import TensorCore

extension DistillationPipeline {
    /// The bench phase: `checkpoints` (the teacher first, the baseline, then the files this run
    /// wrote) on the test data, with the recipe's `bench` settings; writes the report files into
    /// `bench.report` (default `<output>/report`). Rows that fail are in the report; the caller
    /// decides what a failure means for the run.
    func runBench(_ section: BenchSection, checkpoints: [URL], test: MultimodalDataset) throws -> (report: BenchmarkReport, folder: URL) {
        if let threads = section.threads, let warning = Parallel.oversubscription("bench.threads", threads: threads) {
            progress.line("warning: \(warning)")
        }
        let report = try Parallel.withThreadCount(section.threads) {
            try Benchmark(settings: section.settings, load: Cascade.benchmarkLoader)
                .run(checkpoints: checkpoints, data: test, progress: progress.line)
        }
        let folder = section.report.map { URL(fileURLWithPath: $0) } ?? output.appendingPathComponent("report")
        try report.write(to: folder)
        progress.line("bench: wrote \(BenchmarkReport.fileNames.map { folder.appendingPathComponent($0).path }.joined(separator: ", "))")
        return (report, folder)
    }
}
