import CCPUID
import Foundation

/// What the CPU can run, read from cpuid, and what the operating system lets it use (XCR0):
/// the basis for choosing OpenBLAS's kernels and for the machine's theoretical peak.
public struct CPUFeatures: Equatable, Sendable {
    public enum Vendor: Equatable, Sendable {
        case intel, amd
        case other(String)
    }

    public var vendor: Vendor
    /// Display family and model (base plus extended fields, as the vendors' manuals combine them).
    public var family: Int
    public var model: Int
    /// The brand string (cpuid 0x8000_0002…4), trimmed; empty where there is none.
    public var brand: String
    public var avx = false
    public var fma = false
    public var avx2 = false
    public var avx512F = false
    public var avx512BW = false
    public var avx512DQ = false
    public var avx512VL = false
    public var avx512VNNI = false
    public var avx512BF16 = false
    public var avxVNNI = false
    /// The OS saves the YMM registers (XCR0 bits 1 and 2): AVX and AVX2 code may run.
    public var osSavesYMM = false
    /// The OS also saves the opmask and ZMM registers (XCR0 bits 5, 6 and 7): AVX-512 code may run.
    public var osSavesZMM = false

    public init(vendor: Vendor, family: Int, model: Int, brand: String = "") {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.brand = brand
    }

    /// AVX2 and FMA, with the OS saving their registers.
    public var usableAVX2: Bool { avx2 && fma && osSavesYMM }

    /// AVX-512 F, BW, DQ and VL (what OpenBLAS's SkylakeX kernels need), with the OS saving their registers.
    public var usableAVX512: Bool { avx512F && avx512BW && avx512DQ && avx512VL && osSavesZMM }

    /// The vector features present, for reports: ["AVX", "FMA", "AVX2", "AVX-512F", …]. AVX-512
    /// features the OS does not enable are marked so.
    public var vectorFeatureNames: [String] {
        let avx512 = [("F", avx512F), ("BW", avx512BW), ("DQ", avx512DQ), ("VL", avx512VL), ("VNNI", avx512VNNI),
                      ("BF16", avx512BF16)].filter(\.1).map(\.0)
        var names = [("AVX", avx), ("FMA", fma), ("AVX2", avx2), ("AVX-VNNI", avxVNNI)].filter(\.1).map(\.0)
        if !avx512.isEmpty { names.append("AVX-512 " + avx512.joined(separator: "/") + (osSavesZMM ? "" : " (not enabled by the OS)")) }
        if (avx || avx2) && !osSavesYMM { names.append("(AVX state not enabled by the OS)") }
        return names
    }

    /// This CPU.
    public static let current: CPUFeatures = decode(cpuid: { leaf, subleaf in
        var registers: [UInt32] = [0, 0, 0, 0]
        _ = condenser_cpuid(leaf, subleaf, &registers)
        return registers
    }, xcr0: condenser_xcr0())

    /// Decodes the features from a cpuid function (leaf, subleaf) → [eax, ebx, ecx, edx], which
    /// returns zeros for unsupported leaves, and XCR0.
    public static func decode(cpuid: (UInt32, UInt32) -> [UInt32], xcr0: UInt64) -> CPUFeatures {
        func bit(_ register: UInt32, _ index: Int) -> Bool { register & (1 << UInt32(index)) != 0 }
        let leaf0 = cpuid(0, 0)
        let vendorName = String(decoding: [leaf0[1], leaf0[3], leaf0[2]].flatMap(bytes(of:)), as: UTF8.self)
        let vendor: Vendor = switch vendorName {
        case "GenuineIntel": .intel
        case "AuthenticAMD": .amd
        default: .other(vendorName)
        }
        let leaf1 = cpuid(1, 0), leaf7 = leaf0[0] >= 7 ? cpuid(7, 0) : [0, 0, 0, 0]
        let leaf7s1 = leaf0[0] >= 7 && leaf7[0] >= 1 ? cpuid(7, 1) : [0, 0, 0, 0]
        let baseFamily = Int(leaf1[0] >> 8 & 0xF), baseModel = Int(leaf1[0] >> 4 & 0xF)
        let family = baseFamily == 0xF ? baseFamily + Int(leaf1[0] >> 20 & 0xFF) : baseFamily
        let model = baseFamily == 0xF || baseFamily == 0x6 ? baseModel + Int(leaf1[0] >> 16 & 0xF) << 4 : baseModel
        let brand = cpuid(0x8000_0000, 0)[0] >= 0x8000_0004
            ? String(decoding: (0x8000_0002...0x8000_0004).flatMap { cpuid($0, 0).flatMap(bytes(of:)) }.filter { $0 != 0 },
                     as: UTF8.self).trimmingCharacters(in: .whitespaces)
            : ""

        var features = CPUFeatures(vendor: vendor, family: family, model: model, brand: brand)
        features.avx = bit(leaf1[2], 28)
        features.fma = bit(leaf1[2], 12)
        features.avx2 = bit(leaf7[1], 5)
        features.avx512F = bit(leaf7[1], 16)
        features.avx512DQ = bit(leaf7[1], 17)
        features.avx512BW = bit(leaf7[1], 30)
        features.avx512VL = bit(leaf7[1], 31)
        features.avx512VNNI = bit(leaf7[2], 11)
        features.avxVNNI = bit(leaf7s1[0], 4)
        features.avx512BF16 = bit(leaf7s1[0], 5)
        features.osSavesYMM = xcr0 & 0b110 == 0b110
        features.osSavesZMM = features.osSavesYMM && xcr0 & 0b1110_0000 == 0b1110_0000
        return features
    }

    /// The four bytes of a register, lowest first (cpuid strings are little-endian).
    private static func bytes(of register: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: register >> UInt32(8 * $0)) }
    }
}
