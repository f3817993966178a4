import COpenBLAS
import Foundation

/// OpenBLAS's kernel sets ("cores"), ranked by the vector instructions they use.
///
/// A `DYNAMIC_ARCH` OpenBLAS picks its core once, while it loads, from the CPUs it knows; a CPU
/// newer than the build gets an old fallback (Debian's 0.3.21 runs a recent Xeon on "Prescott",
/// SSE3, at an eighth of the speed). `OPENBLAS_CORETYPE` names the core to use instead.
public enum OpenBLASCore {
    /// The core OpenBLAS runs on now (`openblas_get_corename`), e.g. "Haswell".
    public static var current: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS's build description (`openblas_get_config`), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell MAX_THREADS=64".
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The vector class of a core name: 3 AVX-512, 2 AVX2 + FMA, 1 AVX, 0 anything older or unknown.
    public static func tier(of core: String) -> Int {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": 3
        case "haswell", "zen": 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": 1
        default: 0
        }
    }

    /// The best core this OpenBLAS has for `cpu`, or nil when the CPU has nothing beyond SSE:
    /// SkylakeX for AVX-512 (F, BW, DQ, VL, enabled by the OS), Cooperlake when it also has
    /// AVX-512 BF16 (as OpenBLAS itself chooses on the CPUs it knows), Haswell (Intel and others)
    /// or Zen (AMD) for AVX2 with FMA, Sandybridge for AVX.
    public static func best(for cpu: CPUFeatures) -> String? {
        if cpu.usableAVX512 { return cpu.avx512BF16 ? "Cooperlake" : "SkylakeX" }
        if cpu.usableAVX2 { return cpu.vendor == .amd ? "Zen" : "Haswell" }
        if cpu.avx && cpu.osSavesYMM { return "Sandybridge" }
        return nil
    }
}
