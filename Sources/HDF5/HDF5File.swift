import CHDF5
import Foundation

/// An open HDF5 file. Its root group is `root`; the file closes when this object and every
/// group and dataset opened from it are released, or at once with `close()`.
public final class HDF5File {
    /// File system path the file was opened or created at.
    public let path: String
    /// The root group `/`, which also holds the file's root attributes.
    public let root: HDF5Group
    private let handle: HDF5Handle

    /// Creates a new file at `path`, replacing any file there.
    /// - Throws: `.cannotOpen` (e.g. the folder is missing or read-only).
    public init(creating path: String) throws(HDF5Error) {
        let location = HDF5Location(file: path, path: "/")
        do {
            handle = try location.open("H5Fcreate", close: H5Fclose) {
                H5Fcreate(path, condenser_h5f_acc_trunc(), condenser_h5p_default(), condenser_h5p_default())
            }
        } catch let .operationFailed(_, _, _, detail) {
            throw .cannotOpen(path: path, reason: HDF5File.systemMessage(in: detail) ?? detail)
        }
        self.path = path
        root = try HDF5File.openRoot(of: handle, at: location)
    }

    /// Opens the existing file at `path` for reading.
    /// - Throws: `.cannotOpen` if it is missing or unreadable, `.notHDF5` if it has no HDF5
    ///   signature, `.truncated` if it is shorter than its superblock says.
    public init(readingFrom path: String) throws(HDF5Error) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file")
        }
        try HDF5File.readingGuard?(path)
        let location = HDF5Location(file: path, path: "/")
        let signature: htri_t
        do {
            signature = try location.call("H5Fis_hdf5") { H5Fis_hdf5(path) }
        } catch let .operationFailed(_, _, _, detail) {
            throw .cannotOpen(path: path, reason: detail)
        }
        guard signature > 0 else { throw .notHDF5(path: path) }
        do {
            handle = try location.open("H5Fopen", close: H5Fclose) {
                H5Fopen(path, condenser_h5f_acc_rdonly(), condenser_h5p_default())
            }
        } catch let .operationFailed(_, _, _, detail) {
            // HDF5 compares the file size with the end-of-file address in the superblock.
            throw detail.contains("truncated") ? .truncated(path: path) : .cannotOpen(path: path, reason: detail)
        }
        self.path = path
        root = try HDF5File.openRoot(of: handle, at: location)
    }

    /// Writes all buffered data and metadata to the file (not necessarily to the disk).
    public func flush() throws(HDF5Error) {
        try root.location.call("H5Fflush") { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
    }

    /// Flushes and closes the file, reporting any write error. Groups and datasets still held
    /// elsewhere keep HDF5's file open until they are released; release them first.
    public func close() throws(HDF5Error) {
        try flush()
        try root.handle.close(at: root.location, operation: "H5Gclose")
        try handle.close(at: root.location, operation: "H5Fclose")
    }

    /// The operating system's message inside HDF5's "unable to open file: name = …, errno = 2,
    /// error message = 'No such file or directory', …".
    private static func systemMessage(in detail: String) -> String? {
        guard let start = detail.range(of: "error message = '") else { return nil }
        return detail[start.upperBound...].split(separator: "'", maxSplits: 1).first.map(String.init)
    }

    private static func openRoot(of file: HDF5Handle, at location: HDF5Location) throws(HDF5Error) -> HDF5Group {
        let group = try location.open("H5Gopen2", close: H5Gclose) { H5Gopen2(file.id, "/", condenser_h5p_default()) }
        return HDF5Group(handle: group, location: location)
    }
}
