import Testing
@testable import Hardware

@Suite struct ProcCPUInfoTests {
    static let text = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: AMD EPYC 7B13
        cpu MHz\t\t: 2450.000
        physical id\t: 0
        core id\t\t: 0
        flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 bmi2

        processor\t: 1
        model name\t: AMD EPYC 7B13
        cpu MHz\t\t: 2450.000
        physical id\t: 0
        core id\t\t: 1
        flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 bmi2

        processor\t: 2
        physical id\t: 0
        core id\t\t: 1
        """

    @Test func parsesTheFirstProcessorAndCountsCores() {
        let info = ProcCPUInfo(text: Self.text)
        #expect(info.model == "AMD EPYC 7B13" && info.megahertz == 2450)
        #expect(info.flags.contains("avx2") && info.flags.contains("fma") && !info.flags.contains("avx512f"))
        #expect(info.physicalCores == 2, "processor 2 is core 1's hyper-thread")
        #expect(ProcCPUInfo(text: "").model == nil && ProcCPUInfo(text: "").physicalCores == nil)
    }

    @Test func simdLevels() {
        func level(_ flags: String) -> String { ProcCPUInfo(text: "flags : \(flags)").simdLevel }
        #expect(level("sse4_2 avx avx2 fma avx512f") == "AVX-512")
        #expect(level("sse4_2 avx avx2 fma") == "AVX2+FMA")
        #expect(level("sse4_2 avx avx2") == "AVX2")
        #expect(level("sse4_2 avx") == "AVX")
        #expect(level("sse4_2") == "SSE4.2")
        #expect(level("neon") == "baseline")
    }
}
