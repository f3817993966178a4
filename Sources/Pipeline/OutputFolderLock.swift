import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run's exclusive hold on a recipe's output folder, so two runs never mix their files.
/// `<output>/.lock` names the holder's pid under an flock(2) lock; the kernel drops the lock when
/// the process ends however it ends, so a file left by a dead run is taken over, never obeyed.
/// The hold lasts until the value is released.
final class OutputFolderLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock, creating the folder if needed.
    /// - Throws: `PipelineError` naming the folder and the pid of a live holder.
    init(folder: URL) throws {
        path = folder.appendingPathComponent(".lock").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PipelineError.outputFolder(path: folder.path, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        // The descriptor is stored only once the lock is held: a class whose init throws after every
        // property is set runs its deinit, which would close the descriptor a second time (and with
        // it whatever file another thread had since opened under the same number).
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw PipelineError.outputFolder(path: path,
                                             reason: "cannot open the output folder's lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw PipelineError.outputFolderInUse(folder: folder.path, holder: holder, lock: path)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
