import Foundation
import HDF5

/// Every HDF5 file a command reads is first read whole by a child process (`HDF5File.walk`): libhdf5
/// 1.10 can crash on a damaged or crafted file, and a crash inside the C library cannot be caught,
/// so the child takes the risk and the command reports one clear line instead. Each file is checked
/// once per process while it stays unchanged.
enum HDF5Sandbox {
    /// Set in the child's environment to the file it walks.
    static let walkVariable = "CONDENSER_HDF5_WALK"
    /// Seconds before a walk counts as hung.
    static let timeout = 120.0
    nonisolated(unsafe) private static var checked: Set<String> = []

    /// In a child started by `check`: walks the file and exits (0: read whole; 1: an HDF5 error,
    /// which the parent then meets and reports itself). Otherwise returns at once.
    static func walkIfAsked() {
        guard let path = ProcessInfo.processInfo.environment[walkVariable] else { return }
        do {
            try HDF5File.walk(path)
            exit(0)
        } catch {
            exit(1)
        }
    }

    /// Installs `check` as the HDF5 reading guard.
    static func install() {
        HDF5File.readingGuard = { (path) throws(HDF5Error) in try check(path) }
    }

    static func check(_ path: String) throws(HDF5Error) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }  // the reader reports a missing file itself
        let key = "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        guard !checked.contains(key) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = []
        var environment = ProcessInfo.processInfo.environment
        environment[walkVariable] = path
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return  // no sandbox available: read in this process as before
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(1000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw .damaged(path: path, reason: "the HDF5 library did not finish reading it within \(Int(timeout)) s")
        }
        if process.terminationReason == .uncaughtSignal {
            throw .damaged(path: path, reason: "the HDF5 library crashed reading it (signal \(process.terminationStatus)); "
                           + "it is not a file Condenser or h5py wrote intact")
        }
        checked.insert(key)
    }
}
