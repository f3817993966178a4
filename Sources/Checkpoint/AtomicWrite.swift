import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saves `url` all or nothing. `write` fills a temporary file in the same folder
/// (`.name.tmp-<pid>-<random>`), which is synced to disk and then renamed over `url`: the
/// previous file stays whole until the rename replaces it in one step, so an interrupted save
/// never destroys it. Anything at `url` that is not a regular file (a device, a folder, a socket)
/// is never replaced. On any error the temporary file is removed (a killed process can leave
/// one behind; it is never read). Creates the folder if missing.
/// - Throws: `.cannotWrite` naming `url` for file system and HDF5 failures; other errors of `write` as they are.
func writeAtomically(to url: URL, _ write: (_ temporaryPath: String) throws(CheckpointError) -> Void) throws(CheckpointError) {
    let destination = url.path
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))").path
    var existing = stat()
    if lstat(destination, &existing) == 0, (existing.st_mode & S_IFMT) != S_IFREG, (existing.st_mode & S_IFMT) != S_IFLNK {
        throw .cannotWrite(file: destination, reason: "exists and is not a regular file; refusing to replace it")
    }
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw .cannotWrite(file: destination, reason: "cannot create folder \(folder.path): \(error.localizedDescription)")
    }
    do throws(CheckpointError) {
        try write(temporary)
        try synchronize(path: temporary, destination: destination)
        guard rename(temporary, destination) == 0 else {
            throw .cannotWrite(file: destination,
                               reason: "cannot rename the finished temporary file over it: \(String(cString: strerror(errno)))")
        }
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        if case let .hdf5(hdf5Error) = error { throw .cannotWrite(file: destination, reason: hdf5Error.description) }
        throw error
    }
    // Persist the rename itself; the file is complete either way, so a failure here is ignored.
    try? synchronize(path: folder.path, destination: destination)
}

/// fsync(2) of a file or folder, so its contents are on disk before anything depends on them.
private func synchronize(path: String, destination: String) throws(CheckpointError) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0, fsync(descriptor) == 0 else {
        let reason = String(cString: strerror(errno))
        if descriptor >= 0 { close(descriptor) }
        throw .cannotWrite(file: destination, reason: "cannot sync \(path) to disk: \(reason)")
    }
    close(descriptor)
}

/// Saves `data` to `url` all or nothing (reports, logs), like every Condenser file.
public func writeFileAtomically(_ data: Data, to url: URL) throws(CheckpointError) {
    try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
        guard FileManager.default.createFile(atPath: temporaryPath, contents: data) else {
            throw .cannotWrite(file: url.path, reason: "cannot create \(temporaryPath)")
        }
    }
}
