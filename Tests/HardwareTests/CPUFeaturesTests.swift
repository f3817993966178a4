import Testing
@testable import Hardware

/// cpuid decoding from hand-made register sets, as the vendors' manuals lay them out.
@Suite struct CPUFeaturesTests {
    /// A fake cpuid: the vendor string in leaf 0, family/model signature in leaf 1, and the given feature bits.
    static func cpuid(vendor: String, signature: UInt32, leaf1ECX: UInt32, leaf7EBX: UInt32, leaf7ECX: UInt32 = 0,
                      leaf7Subleaf1EAX: UInt32 = 0, brand: String = "") -> (UInt32, UInt32) -> [UInt32] {
        func word(_ text: String, _ index: Int) -> UInt32 {
            let bytes = Array(text.utf8) + [UInt8](repeating: 0, count: 64)
            return (0..<4).reduce(0) { $0 | UInt32(bytes[4 * index + $1]) << UInt32(8 * $1) }
        }
        return { leaf, subleaf in
            switch (leaf, subleaf) {
            case (0, _): [7, word(vendor, 0), word(vendor, 2), word(vendor, 1)]  // ebx, edx, ecx spell the vendor
            case (1, _): [signature, 0, leaf1ECX, 0]
            case (7, 0): [1, leaf7EBX, leaf7ECX, 0]
            case (7, 1): [leaf7Subleaf1EAX, 0, 0, 0]
            case (0x8000_0000, _): [brand.isEmpty ? 0x8000_0001 : 0x8000_0004, 0, 0, 0]
            case (0x8000_0002...0x8000_0004, _):
                (0..<4).map { word(brand, 4 * Int(leaf - 0x8000_0002) + $0) }
            default: [0, 0, 0, 0]
            }
        }
    }

    static let fma: UInt32 = 1 << 12, osxsave: UInt32 = 1 << 27, avx: UInt32 = 1 << 28
    static let avx2: UInt32 = 1 << 5
    static let avx512: UInt32 = 1 << 16 | 1 << 17 | 1 << 30 | 1 << 31  // F, DQ, BW, VL
    static let xcr0AVX: UInt64 = 0b111, xcr0AVX512: UInt64 = 0b1110_0111

    @Test func intelSkylakeServer() {
        // Family 6, model 0x55 (extended model 5, model 5): Skylake-SP.
        let cpu = CPUFeatures.decode(cpuid: Self.cpuid(vendor: "GenuineIntel", signature: 0x0005_0654,
                                                       leaf1ECX: Self.fma | Self.osxsave | Self.avx, leaf7EBX: Self.avx2 | Self.avx512,
                                                       brand: "  Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"),
                                     xcr0: Self.xcr0AVX512)
        #expect(cpu.vendor == .intel && cpu.family == 6 && cpu.model == 0x55)
        #expect(cpu.brand == "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz")
        #expect(cpu.usableAVX2 && cpu.usableAVX512 && !cpu.avx512VNNI && !cpu.avx512BF16)
        #expect(cpu.vectorFeatureNames == ["AVX", "FMA", "AVX2", "AVX-512 F/BW/DQ/VL"])
    }

    @Test func amdZen4WithVNNIAndBF16() {
        // Base family 0xF + extended 0xA = 0x19, model 0x11.
        let cpu = CPUFeatures.decode(cpuid: Self.cpuid(vendor: "AuthenticAMD", signature: 0x00A1_0F11,
                                                       leaf1ECX: Self.fma | Self.osxsave | Self.avx, leaf7EBX: Self.avx2 | Self.avx512,
                                                       leaf7ECX: 1 << 11, leaf7Subleaf1EAX: 1 << 4 | 1 << 5),
                                     xcr0: Self.xcr0AVX512)
        #expect(cpu.vendor == .amd && cpu.family == 0x19 && cpu.model == 0x11 && cpu.brand.isEmpty)
        #expect(cpu.avx512VNNI && cpu.avxVNNI && cpu.avx512BF16)
    }

    @Test func avx512WithoutOSSupportIsNotUsable() {
        let cpu = CPUFeatures.decode(cpuid: Self.cpuid(vendor: "GenuineIntel", signature: 0x0005_0654,
                                                       leaf1ECX: Self.fma | Self.osxsave | Self.avx, leaf7EBX: Self.avx2 | Self.avx512),
                                     xcr0: Self.xcr0AVX)
        #expect(cpu.avx512F && !cpu.usableAVX512 && cpu.usableAVX2)
        #expect(cpu.vectorFeatureNames.last == "AVX-512 F/BW/DQ/VL (not enabled by the OS)")
        // No XCR0 at all (OS without xsave): not even AVX2.
        let bare = CPUFeatures.decode(cpuid: Self.cpuid(vendor: "GenuineIntel", signature: 0x0005_0654,
                                                        leaf1ECX: Self.fma | Self.avx, leaf7EBX: Self.avx2), xcr0: 0)
        #expect(!bare.usableAVX2)
    }

    @Test func oldCPUHasNoVectorFeatures() {
        let cpu = CPUFeatures.decode(cpuid: Self.cpuid(vendor: "CentaurHauls", signature: 0x0000_06F2, leaf1ECX: 0, leaf7EBX: 0), xcr0: 0)
        #expect(cpu.vendor == .other("CentaurHauls") && cpu.vectorFeatureNames.isEmpty && !cpu.usableAVX2)
    }

    @Test func thisCPUDecodes() {
        let cpu = CPUFeatures.current
        #if arch(x86_64)
        #expect(cpu.family > 0)
        #endif
        // What cpuid says agrees with the kernel's flags (which also reflect what the OS enabled).
        if let flags = ProcCPUInfo.current?.flags, !flags.isEmpty {
            #expect(cpu.usableAVX2 == (flags.contains("avx2") && flags.contains("fma")))
            #expect(cpu.avx512F == flags.contains("avx512f"))
        }
    }
}
