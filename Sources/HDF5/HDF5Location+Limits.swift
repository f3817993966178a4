import Foundation

extension HDF5Location {
    /// Length of the file in bytes (0 if it cannot be read).
    var fileLength: Int {
        ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
    }

    /// The most bytes a read from this file may allocate: a thousand times the file's length (room
    /// for compressed or never-written data), at least 64 MiB. A header declaring more is damaged
    /// or hostile, and is refused before anything is allocated.
    var readableBytesLimit: Int {
        let (scaled, overflow) = fileLength.multipliedReportingOverflow(by: 1024)
        return overflow ? .max : max(scaled, 64 << 20)
    }
}
