import Testing
@testable import Hardware

/// The cpuid-to-core mapping for Intel and AMD feature sets.
@Suite struct OpenBLASCoreTests {
    static func cpu(_ vendor: CPUFeatures.Vendor, family: Int, avx2: Bool = false, avx512: Bool = false, bf16: Bool = false,
                    osSavesZMM: Bool = true) -> CPUFeatures {
        var cpu = CPUFeatures(vendor: vendor, family: family, model: 1)
        cpu.avx = avx2
        cpu.fma = avx2
        cpu.avx2 = avx2
        (cpu.avx512F, cpu.avx512BW, cpu.avx512DQ, cpu.avx512VL) = (avx512, avx512, avx512, avx512)
        cpu.avx512BF16 = bf16
        cpu.osSavesYMM = true
        cpu.osSavesZMM = osSavesZMM
        return cpu
    }

    @Test func bestCore() {
        #expect(OpenBLASCore.best(for: Self.cpu(.intel, family: 6, avx2: true)) == "Haswell")
        #expect(OpenBLASCore.best(for: Self.cpu(.intel, family: 6, avx2: true, avx512: true)) == "SkylakeX")
        #expect(OpenBLASCore.best(for: Self.cpu(.intel, family: 6, avx2: true, avx512: true, bf16: true)) == "Cooperlake")
        #expect(OpenBLASCore.best(for: Self.cpu(.intel, family: 6, avx2: true, avx512: true, osSavesZMM: false)) == "Haswell")
        #expect(OpenBLASCore.best(for: Self.cpu(.amd, family: 0x19, avx2: true)) == "Zen")
        #expect(OpenBLASCore.best(for: Self.cpu(.amd, family: 0x19, avx2: true, avx512: true)) == "SkylakeX")
        #expect(OpenBLASCore.best(for: Self.cpu(.amd, family: 0x1A, avx2: true, avx512: true, bf16: true)) == "Cooperlake")
        #expect(OpenBLASCore.best(for: Self.cpu(.other("HygonGenuine"), family: 0x18, avx2: true)) == "Haswell")
        #expect(OpenBLASCore.best(for: Self.cpu(.intel, family: 6)) == nil)
        #expect(OpenBLASCore.best(for: Self.cpu(.amd, family: 0x10)) == nil)
    }

    @Test func tiers() {
        #expect(OpenBLASCore.tier(of: "Prescott") == 0 && OpenBLASCore.tier(of: "Nehalem") == 0 && OpenBLASCore.tier(of: "unknown") == 0)
        #expect(OpenBLASCore.tier(of: "Sandybridge") == 1)
        #expect(OpenBLASCore.tier(of: "Haswell") == 2 && OpenBLASCore.tier(of: "Zen") == 2)
        #expect(OpenBLASCore.tier(of: "SkylakeX") == 3 && OpenBLASCore.tier(of: "COOPERLAKE") == 3)
    }

    @Test func runningCoreIsNamed() {
        #expect(!OpenBLASCore.current.isEmpty && OpenBLASCore.configuration.hasPrefix("OpenBLAS"))
    }
}
