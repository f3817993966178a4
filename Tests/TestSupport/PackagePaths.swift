import Foundation

/// Where the package's files and built products are.
public enum PackagePaths {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `condenser` executable built beside the running test bundle.
    public static var condenser: URL {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let besideTests = bundleFolder.appendingPathComponent("condenser")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        // Swift Testing may run from a differently named runner; fall back to the build folders.
        for configuration in ["release", "debug"] {
            let candidate = root.appendingPathComponent(".build/\(configuration)/condenser")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return besideTests
    }
}
