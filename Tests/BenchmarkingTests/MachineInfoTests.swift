import Testing
@testable import Benchmarking

@Suite struct MachineInfoTests {
    static let cpuinfo = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: AMD EPYC 7B13
        flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 bmi2
        
        processor\t: 1
        model name\t: AMD EPYC 7B13
        flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 bmi2
        """

    @Test func parsesModelAndFlags() {
        let (model, flags) = MachineInfo.parse(cpuinfo: Self.cpuinfo)
        #expect(model == "AMD EPYC 7B13")
        #expect(flags.contains("avx2") && flags.contains("fma") && !flags.contains("avx512f"))
        #expect(MachineInfo.parse(cpuinfo: "").model == nil)
    }

    @Test func simdLevels() {
        #expect(MachineInfo.simdLevel(flags: ["sse4_2", "avx", "avx2", "fma", "avx512f"]) == "AVX-512")
        #expect(MachineInfo.simdLevel(flags: ["sse4_2", "avx", "avx2", "fma"]) == "AVX2+FMA")
        #expect(MachineInfo.simdLevel(flags: ["sse4_2", "avx", "avx2"]) == "AVX2")
        #expect(MachineInfo.simdLevel(flags: ["sse4_2", "avx"]) == "AVX")
        #expect(MachineInfo.simdLevel(flags: ["sse4_2"]) == "SSE4.2")
        #expect(MachineInfo.simdLevel(flags: ["neon"]) == "baseline")
    }

    @Test func currentMachineIsDescribed() {
        let machine = MachineInfo.current(threads: 3)
        #expect(machine.threads == 3 && machine.logicalCores >= 1)
        #expect(!machine.cpuModel.isEmpty && !machine.simd.isEmpty && !machine.blas.isEmpty)
    }
}
