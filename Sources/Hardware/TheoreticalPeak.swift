import CCPUID
import Foundation

/// The machine's theoretical float32 peak: cores × clock × FLOPs per cycle, where FLOPs per cycle
/// are FMA units × fp32 lanes of the vector datapath × 2 (a fused multiply-add counts two).
/// Measured figures are reported as fractions of it, so that a core running far below its
/// hardware shows, whatever the sgemm yardstick says.
public struct TheoreticalPeak: Equatable, Sendable {
    public var cores: Int
    public var gigahertz: Double
    /// Where the clock came from: measured on a chain of dependent adds, else the base frequency in
    /// the CPU's model string, else /proc/cpuinfo's `cpu MHz`. Boost clocks run well above the
    /// nominal ones (a 2.6 GHz-nominal EPYC ran at 3.7 GHz, and sgemm at 124% of a peak computed
    /// from the nominal clock), so a measured clock comes first.
    public var clockSource: String
    /// Width of the vector datapath in bits (AMD's Zen 4 runs AVX-512 on 256-bit units).
    public var vectorBits: Int
    /// Vector FMA (or, without FMA, multiply + add) units per core.
    public var units: Int
    /// Whether the units fuse multiply and add (otherwise one multiply and one add unit make a pair).
    public var fusedMultiplyAdd: Bool

    public init(cores: Int, gigahertz: Double, clockSource: String, vectorBits: Int, units: Int, fusedMultiplyAdd: Bool) {
        self.cores = cores
        self.gigahertz = gigahertz
        self.clockSource = clockSource
        self.vectorBits = vectorBits
        self.units = units
        self.fusedMultiplyAdd = fusedMultiplyAdd
    }

    /// fp32 FLOPs per cycle and core.
    public var flopsPerCycle: Int { (fusedMultiplyAdd ? units : 1) * vectorBits / 32 * 2 }

    public var gigaflops: Double { Double(cores) * gigahertz * Double(flopsPerCycle) }

    /// "2 cores × 2.60 GHz (cpu MHz in /proc/cpuinfo) × 64 FLOP/cycle (2 FMA units × 16 fp32 lanes × 2)".
    public var basis: String {
        let lanes = vectorBits / 32
        let perCycle = fusedMultiplyAdd ? "\(units) FMA unit\(units == 1 ? "" : "s") × \(lanes) fp32 lanes × 2"
                                        : "one \(lanes)-lane multiply + one add"
        return String(format: "%d core%@ × %.2f GHz (%@) × %d FLOP/cycle (%@)", cores, cores == 1 ? "" : "s", gigahertz,
                      clockSource, flopsPerCycle, perCycle)
    }

    /// The vector datapath of `cpu`: (bits, units, fused). Two FMA units on every core with AVX2 or
    /// AVX-512 (true of Intel's server cores from Skylake-SP Gold up and of AMD's Zen 2 on; some
    /// Xeon Silver and Bronze parts have one), AMD's Zen 1 on 128-bit and Zen 4 on 256-bit units.
    public static func datapath(of cpu: CPUFeatures) -> (bits: Int, units: Int, fused: Bool) {
        let amd = cpu.vendor == .amd
        if cpu.usableAVX512 { return (amd && cpu.family < 0x1A ? 256 : 512, 2, true) }
        if cpu.usableAVX2 { return (amd && cpu.family == 0x17 && cpu.model < 0x30 ? 128 : 256, 2, true) }
        if cpu.avx && cpu.osSavesYMM { return (256, 1, false) }
        return (128, 1, false)
    }

    /// The base clock in GHz from a model string such as "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz".
    public static func baseClock(modelName: String) -> Double? {
        guard let at = modelName.range(of: "@ ", options: .backwards) else { return nil }
        let text = modelName[at.upperBound...].trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("GHz") { return Double(text.dropLast(3)) }
        if text.hasSuffix("MHz") { return Double(text.dropLast(3)).map { $0 / 1000 } }
        return nil
    }

    /// The peak of `cores` cores of `cpu` at the `measured` clock (GHz), or else the clock from
    /// `cpuinfo`: nil when no clock is known.
    public static func of(cpu: CPUFeatures, cores: Int, cpuinfo: ProcCPUInfo?, measured: Double? = nil) -> TheoreticalPeak? {
        let model = cpuinfo?.model ?? cpu.brand
        let clock: (Double, String)
        if let measured, measured > 0 {
            clock = (measured, "measured on dependent adds")
        } else if let base = baseClock(modelName: model) {
            clock = (base, "base clock in the model name")
        } else if let megahertz = cpuinfo?.megahertz, megahertz > 0 {
            clock = (megahertz / 1000, "cpu MHz in /proc/cpuinfo")
        } else {
            return nil
        }
        let path = datapath(of: cpu)
        return TheoreticalPeak(cores: cores, gigahertz: clock.0, clockSource: clock.1, vectorBits: path.bits, units: path.units,
                               fusedMultiplyAdd: path.fused)
    }

    /// This machine's peak on `threads` threads (at most its physical cores), at the clock measured
    /// now (`condenser_measure_clock_ghz`, about 7 ms).
    public static func current(threads: Int) -> TheoreticalPeak? {
        let cpuinfo = ProcCPUInfo.current
        let cores = cpuinfo?.physicalCores ?? ProcessInfo.processInfo.activeProcessorCount
        return of(cpu: .current, cores: max(1, min(threads, cores, ProcessInfo.processInfo.activeProcessorCount)), cpuinfo: cpuinfo,
                  measured: condenser_measure_clock_ghz())
    }
}
