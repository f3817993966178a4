import Foundation

/// Python with h5py and numpy for interop tests: the package's `.venv/bin/python` if it has them,
/// else `$CONDENSER_PYTHON`. With neither, tests that need it fail (they do not skip).
public enum Python {
    public struct Unavailable: Error, CustomStringConvertible {
        let tried: [String]
        public var description: String {
            "this test needs Python with h5py and numpy; tried \(tried.isEmpty ? "nothing" : tried.joined(separator: ", ")). "
                + "Run `make venv` (or `make test`, which creates it) at the package root, or set CONDENSER_PYTHON to such a python."
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let standardError: String
        public var description: String { "python \(arguments.joined(separator: " ")) exited with \(status):\n\(standardError)" }
    }

    private static var candidates: [String] {
        [PackagePaths.root.appendingPathComponent(".venv/bin/python").path]
            + (ProcessInfo.processInfo.environment["CONDENSER_PYTHON"].map { [$0] } ?? [])
    }

    /// The first candidate that imports h5py and numpy, found once.
    private static let interpreter: String? = candidates.first { path in
        FileManager.default.isExecutableFile(atPath: path) && (try? ChildProcess.run(path, ["-c", "import h5py, numpy"]).status) == 0
    }

    /// Runs `script` with `arguments`; returns its standard output.
    public static func run(script: URL, _ arguments: [String]) throws -> Data {
        guard let interpreter else { throw Unavailable(tried: candidates) }
        let result = try ChildProcess.run(interpreter, [script.path] + arguments)
        guard result.status == 0 else {
            throw Failed(arguments: [script.lastPathComponent] + arguments, status: result.status, standardError: result.standardError)
        }
        return Data(result.standardOutput.utf8)
    }
}
