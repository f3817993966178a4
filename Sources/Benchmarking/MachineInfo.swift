import Foundation
import Hardware
import TensorCore

/// The machine a benchmark ran on, so that figures from different machines can be told apart.
public struct MachineInfo: Equatable, Sendable {
    /// CPU model name (`model name` of /proc/cpuinfo, else cpuid's brand string), or "unknown".
    public var cpuModel: String
    /// Logical cores available to the process.
    public var logicalCores: Int
    /// Worker threads the benchmark ran with (`Parallel.threadCount`).
    public var threads: Int
    /// Widest vector instructions the CPU offers: "AVX-512", "AVX2+FMA", "AVX2", "AVX", "SSE4.2",
    /// "baseline", or "unknown" where /proc/cpuinfo is not available.
    public var simd: String
    /// Operating system and version.
    public var operatingSystem: String
    /// OpenBLAS's build description (`openblas_get_config()`: version, options, core).
    public var blas: String
    /// The OpenBLAS core the run used (`openblas_get_corename()`), e.g. "SkylakeX".
    public var blasCore: String
    /// How that core came to be chosen (`BLASCoreSelection.Outcome.description`), nil when no selection ran.
    public var blasCoreSelection: String?
    /// The CPU's vector features from cpuid ("AVX2", "FMA", "AVX-512 F/BW/DQ/VL", …).
    public var vectorFeatures: [String]
    /// Theoretical float32 peak of the cores the run used, nil when the clock is unknown.
    public var peak: TheoreticalPeak?
    /// The int8 product's code path here (`Int8Weights.kernelPath`: "avx512-vnni", "avx-vnni", "avx2", "portable"),
    /// nil when not recorded.
    public var int8Kernel: String?
    /// One-minute load average when the benchmark started and when it ended (nil off Linux):
    /// above the thread count, other processes competed for the cores.
    public var loadAverageBefore: Double?
    public var loadAverageAfter: Double?

    public init(cpuModel: String, logicalCores: Int, threads: Int, simd: String, operatingSystem: String, blas: String,
                blasCore: String, blasCoreSelection: String? = nil, vectorFeatures: [String] = [], peak: TheoreticalPeak? = nil,
                loadAverageBefore: Double? = nil, loadAverageAfter: Double? = nil, int8Kernel: String? = nil) {
        self.cpuModel = cpuModel
        self.logicalCores = logicalCores
        self.threads = threads
        self.simd = simd
        self.operatingSystem = operatingSystem
        self.blas = blas
        self.blasCore = blasCore
        self.blasCoreSelection = blasCoreSelection
        self.vectorFeatures = vectorFeatures
        self.peak = peak
        self.loadAverageBefore = loadAverageBefore
        self.loadAverageAfter = loadAverageAfter
        self.int8Kernel = int8Kernel
    }

    /// This machine now, running `threads` worker threads.
    public static func current(threads: Int) -> MachineInfo {
        let cpuinfo = ProcCPUInfo.current, cpu = CPUFeatures.current
        return MachineInfo(cpuModel: cpuinfo?.model ?? (cpu.brand.isEmpty ? "unknown" : cpu.brand),
                           logicalCores: ProcessInfo.processInfo.activeProcessorCount, threads: threads,
                           simd: cpuinfo?.simdLevel ?? "unknown",
                           operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
                           blas: OpenBLASCore.configuration, blasCore: OpenBLASCore.current,
                           blasCoreSelection: BLASCoreSelection.startupOutcome?.description,
                           vectorFeatures: cpu.vectorFeatureNames, peak: TheoreticalPeak.current(threads: threads),
                           loadAverageBefore: loadAverage(), int8Kernel: Int8Weights.kernelPath)
    }

    /// The one-minute load average (first field of /proc/loadavg), nil where there is none.
    public static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }

    /// `gflops` as a fraction of the peak, nil without one.
    public func fractionOfPeak(_ gflops: Double) -> Double? {
        peak.map { gflops / $0.gigaflops }
    }

    /// " (63% of the 156.8 GFLOP/s peak)" for `gflops`, or nothing without a peak.
    public func peakClause(_ gflops: Double) -> String {
        guard let peak else { return "" }
        return String(format: " (%@ of the %.1f GFLOP/s peak)", ReportFormat.percent(gflops / peak.gigaflops, decimals: 0), peak.gigaflops)
    }

    /// Below this fraction of the peak, sgemm is taken as a sign of a slow BLAS core or a busy machine.
    public static let slowSGEMMFraction = 0.25

    /// A warning when sgemm at `gflops` reached less than a quarter of the peak; nil otherwise.
    public func slowSGEMMWarning(_ gflops: Double) -> String? {
        guard let peak, let fraction = fractionOfPeak(gflops), fraction < Self.slowSGEMMFraction else { return nil }
        return String(format: "sgemm reached only %.0f%% of this machine's theoretical peak (%.1f of %.1f GFLOP/s): OpenBLAS's %@ core "
                      + "may not suit this CPU (check with OPENBLAS_VERBOSE=2, see docs/performance.md), or other processes held the cores",
                      100 * fraction, gflops, peak.gigaflops, blasCore)
    }

    /// "OpenBLAS core SkylakeX (OpenBLAS 0.3.21 …); AVX, FMA, AVX2, AVX-512 F/BW/DQ/VL; peak 332.3 GFLOP/s = 2 cores × …"
    public var hardwareSummary: String {
        "OpenBLAS core \(blasCore) (\(blas)); \(vectorFeatures.isEmpty ? simd : vectorFeatures.joined(separator: ", ")); "
            + (peak.map { String(format: "fp32 peak %.1f GFLOP/s = ", $0.gigaflops) + $0.basis } ?? "peak unknown (no clock found)")
            + (int8Kernel.map { "; int8 kernel \($0)" } ?? "")
    }
}
