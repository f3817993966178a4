import Foundation

/// Runs a program to completion and captures what it printed.
public enum ChildProcess {
    public struct Result {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `executable` with `arguments` in `directory` (default: the package root), in this
    /// process's environment changed by `environment` (a nil value removes the variable).
    public static func run(_ executable: String, _ arguments: [String], in directory: URL = PackagePaths.root,
                           environment: [String: String?] = [:]) throws -> Result {
        // stderr goes to a file so that only one pipe needs draining while the child runs.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("condenser-test-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: standardOutput, as: UTF8.self),
                      standardError: String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }
}
