@testable import Benchmarking
import Hardware

/// A report written by hand (no timing), with figures chosen so that every derived value is easy
/// to work out: speed-ups are whole ratios, the student keeps 98%, the scratch student is dominated.
enum ReportFixture {
    static func measurement(accuracy: Double, batch1: Double, batch32: Double, parameters: Int = 1000) -> ModelMeasurement {
        ModelMeasurement(precision: "float32", parameters: parameters, bytes: 4 * parameters + 2000, flopsPerSample: 2_500_000,
                         accuracy: accuracy,
                         latency: [1: LatencyStatistics(p50: batch1, p90: 1.1 * batch1, p99: 1.5 * batch1, iterations: 10),
                                   32: LatencyStatistics(p50: batch32, p90: 1.1 * batch32, p99: 1.5 * batch32, iterations: 10)])
    }

    static let report = BenchmarkReport(
        machine: MachineInfo(cpuModel: "Test CPU <fast> & cheap", logicalCores: 2, threads: 2, simd: "AVX2+FMA",
                             operatingSystem: "Linux", blas: "OpenBLAS 0.3", blasCore: "Haswell",
                             // 2 cores × 2.5 GHz × 32 FLOP/cycle = 160 GFLOP/s.
                             peak: TheoreticalPeak(cores: 2, gigahertz: 2.5, clockSource: "test", vectorBits: 256, units: 2,
                                                   fusedMultiplyAdd: true),
                             loadAverageBefore: 0.25, loadAverageAfter: 0.5),
        sgemmGFLOPS: 100, sgemmShape: [512, 512, 512],
        settings: BenchmarkSettings(batchSizes: [1, 32], warmup: 3, iterations: 10),
        dataSource: "test.h5", sampleCount: 200,
        entries: [
            BenchmarkEntry(name: "teacher", path: "out/teacher.h5",
                           outcome: .measured(measurement(accuracy: 0.5, batch1: 2, batch32: 50, parameters: 8000))),
            BenchmarkEntry(name: "student", path: "out/student.h5",
                           outcome: .measured(measurement(accuracy: 0.49, batch1: 0.5, batch32: 10))),
            BenchmarkEntry(name: "student-scratch", path: "out/student-scratch.h5",
                           outcome: .measured(measurement(accuracy: 0.3, batch1: 0.5, batch32: 10))),
            BenchmarkEntry(name: "a&b<c>", path: "out/a&b<c>.h5",
                           outcome: .measured(measurement(accuracy: 0.2, batch1: 0.1, batch32: 4, parameters: 100))),
            BenchmarkEntry(name: "corrupt", path: "out/corrupt.h5", outcome: .failed("out/corrupt.h5: not a checkpoint, \"junk\"")),
        ])
}
