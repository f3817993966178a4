import Testing
@testable import Hardware

/// The peak arithmetic against hand computations.
@Suite struct TheoreticalPeakTests {
    @Test func handComputedPeaks() throws {
        // Intel Xeon Gold 6148 (AVX-512, 2 FMA units): 2 cores × 2.40 GHz × (2 × 16 × 2 = 64) = 307.2 GFLOP/s.
        let xeon = OpenBLASCoreTests.cpu(.intel, family: 6, avx2: true, avx512: true)
        let intelInfo = ProcCPUInfo(text: "model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz\ncpu MHz\t\t: 2394.454\n")
        let intel = try #require(TheoreticalPeak.of(cpu: xeon, cores: 2, cpuinfo: intelInfo))
        #expect(intel.flopsPerCycle == 64 && abs(intel.gigaflops - 307.2) < 1e-9)
        #expect(intel.clockSource == "base clock in the model name")
        #expect(intel.basis == "2 cores × 2.40 GHz (base clock in the model name) × 64 FLOP/cycle (2 FMA units × 16 fp32 lanes × 2)")

        // AMD EPYC 7B13 (Zen 3, AVX2): no clock in the name, so cpu MHz: 2 × 2.45 × (2 × 8 × 2 = 32) = 156.8.
        let zen3 = OpenBLASCoreTests.cpu(.amd, family: 0x19, avx2: true)
        let amdInfo = ProcCPUInfo(text: "model name\t: AMD EPYC 7B13\ncpu MHz\t\t: 2450.000\n")
        let amd = try #require(TheoreticalPeak.of(cpu: zen3, cores: 2, cpuinfo: amdInfo))
        #expect(amd.flopsPerCycle == 32 && abs(amd.gigaflops - 156.8) < 1e-9 && amd.clockSource == "cpu MHz in /proc/cpuinfo")

        // Zen 4 runs AVX-512 on 256-bit units (32 FLOP/cycle); Zen 5 on 512-bit (64).
        let zen4 = OpenBLASCoreTests.cpu(.amd, family: 0x19, avx2: true, avx512: true)
        let zen5 = OpenBLASCoreTests.cpu(.amd, family: 0x1A, avx2: true, avx512: true)
        #expect(TheoreticalPeak.of(cpu: zen4, cores: 1, cpuinfo: amdInfo)?.flopsPerCycle == 32)
        #expect(TheoreticalPeak.of(cpu: zen5, cores: 4, cpuinfo: amdInfo).map { abs($0.gigaflops - 4 * 2.45 * 64) < 1e-9 } == true)

        // SSE only: one 4-lane multiply and one add per cycle, 8 FLOP/cycle.
        let old = TheoreticalPeak.of(cpu: OpenBLASCoreTests.cpu(.intel, family: 6), cores: 1, cpuinfo: amdInfo)
        #expect(old?.flopsPerCycle == 8 && old?.basis.hasSuffix("(one 4-lane multiply + one add)") == true)
        // A measured clock comes before the nominal ones: 2 × 3.5 × 32 = 224.
        let measured = try #require(TheoreticalPeak.of(cpu: zen3, cores: 2, cpuinfo: amdInfo, measured: 3.5))
        #expect(abs(measured.gigaflops - 224) < 1e-9 && measured.clockSource == "measured on dependent adds")
        // No clock anywhere: no peak.
        #expect(TheoreticalPeak.of(cpu: zen3, cores: 2, cpuinfo: ProcCPUInfo(text: "model name\t: AMD EPYC\n")) == nil)
    }

    @Test func measuredClockIsPlausible() throws {
        #if arch(x86_64)
        let peak = try #require(TheoreticalPeak.current(threads: 1))
        #expect(peak.gigahertz > 0.3 && peak.gigahertz < 8, "\(peak.gigahertz) GHz")
        #expect(peak.clockSource == "measured on dependent adds" && peak.cores == 1)
        #endif
    }

    @Test func baseClockFromModelName() {
        #expect(TheoreticalPeak.baseClock(modelName: "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz") == 2.4)
        #expect(TheoreticalPeak.baseClock(modelName: "Some CPU @ 1800MHz") == 1.8)
        #expect(TheoreticalPeak.baseClock(modelName: "AMD EPYC 7B13") == nil)
    }
}
