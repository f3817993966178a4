import Foundation

/// What Linux's /proc/cpuinfo says of the first processor, and how many physical cores it lists.
public struct ProcCPUInfo: Equatable, Sendable {
    /// `model name`, e.g. "AMD EPYC 7B13".
    public var model: String?
    /// `flags`: the features the CPU has and the kernel enabled.
    public var flags: Set<String>
    /// `cpu MHz`: the clock the kernel measured or was told (a hypervisor's nominal clock in a VM).
    public var megahertz: Double?
    /// Distinct (`physical id`, `core id`) pairs: cores without their hyper-threads; nil when not listed.
    public var physicalCores: Int?

    /// Parses /proc/cpuinfo text.
    public init(text: String) {
        var model: String?, flags: Set<String>?, megahertz: Double?
        var cores = Set<String>(), physicalID = ""
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "model name" where model == nil: model = value
            case "flags" where flags == nil: flags = Set(value.split(separator: " ").map(String.init))
            case "cpu MHz" where megahertz == nil: megahertz = Double(value)
            case "physical id": physicalID = value
            case "core id": cores.insert(physicalID + "/" + value)
            default: break
            }
        }
        self.model = model
        self.flags = flags ?? []
        self.megahertz = megahertz
        physicalCores = cores.isEmpty ? nil : cores.count
    }

    /// This machine's, or nil off Linux.
    public static var current: ProcCPUInfo? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return ProcCPUInfo(text: text)
    }

    /// The widest x86 vector level among the flags: "AVX-512", "AVX2+FMA", "AVX2", "AVX", "SSE4.2" or "baseline".
    public var simdLevel: String {
        if flags.contains("avx512f") { return "AVX-512" }
        if flags.contains("avx2") { return flags.contains("fma") ? "AVX2+FMA" : "AVX2" }
        if flags.contains("avx") { return "AVX" }
        if flags.contains("sse4_2") { return "SSE4.2" }
        return "baseline"
    }
}
