import COpenBLAS
import Foundation

/// The machine a benchmark ran on, so that figures from different machines can be told apart.
public struct MachineInfo: Equatable, Sendable {
    /// CPU model name (`model name` of /proc/cpuinfo), or "unknown".
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
    /// OpenBLAS's build description (`openblas_get_config()`: version, target core).
    public var blas: String
    /// One-minute load average when the benchmark started and when it ended (nil off Linux):
    /// above the thread count, other processes competed for the cores.
    public var loadAverageBefore: Double?
    public var loadAverageAfter: Double?

    public init(cpuModel: String, logicalCores: Int, threads: Int, simd: String, operatingSystem: String, blas: String,
                loadAverageBefore: Double? = nil, loadAverageAfter: Double? = nil) {
        self.cpuModel = cpuModel
        self.logicalCores = logicalCores
        self.threads = threads
        self.simd = simd
        self.operatingSystem = operatingSystem
        self.blas = blas
        self.loadAverageBefore = loadAverageBefore
        self.loadAverageAfter = loadAverageAfter
    }

    /// This machine now, running `threads` worker threads.
    public static func current(threads: Int) -> MachineInfo {
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let parsed = cpuinfo.map(parse(cpuinfo:))
        return MachineInfo(cpuModel: parsed?.model ?? "unknown",
                           logicalCores: ProcessInfo.processInfo.activeProcessorCount, threads: threads,
                           simd: parsed.map { simdLevel(flags: $0.flags) } ?? "unknown",
                           operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
                           blas: openblas_get_config().map { String(cString: $0).trimmingCharacters(in: .whitespaces) } ?? "unknown",
                           loadAverageBefore: loadAverage())
    }

    /// The one-minute load average (first field of /proc/loadavg), nil where there is none.
    public static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }

    /// The first processor's `model name` and `flags` in /proc/cpuinfo text.
    static func parse(cpuinfo: String) -> (model: String?, flags: Set<String>) {
        var model: String?, flags: Set<String>?
        for line in cpuinfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "model name", model == nil { model = value }
            if key == "flags", flags == nil { flags = Set(value.split(separator: " ").map(String.init)) }
        }
        return (model, flags ?? [])
    }

    /// The widest x86 vector level among /proc/cpuinfo `flags`.
    static func simdLevel(flags: Set<String>) -> String {
        if flags.contains("avx512f") { return "AVX-512" }
        if flags.contains("avx2") { return flags.contains("fma") ? "AVX2+FMA" : "AVX2" }
        if flags.contains("avx") { return "AVX" }
        if flags.contains("sse4_2") { return "SSE4.2" }
        return "baseline"
    }
}
