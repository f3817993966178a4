import CHDF5

/// libhdf5 1.10 can crash on a damaged or crafted file (a bad pointer followed in its metadata
/// parser), and a crash inside the C library cannot be caught. A program that reads other people's
/// files sets `readingGuard`, which `init(readingFrom:)` calls before opening: Condenser's command
/// line reads the whole file once in a child process (`walk`) and refuses the file when the child
/// dies or hangs.
extension HDF5File {
    /// Called with the path before every file is opened for reading (nil: no guard).
    nonisolated(unsafe) public static var readingGuard: ((String) throws(HDF5Error) -> Void)?

    /// Opens `path` without the guard and reads every attribute and dataset in it, so that a crash
    /// of the library on this file happens here (in the guard's child process).
    public static func walk(_ path: String) throws(HDF5Error) {
        let guardOfCaller = readingGuard
        readingGuard = nil
        defer { readingGuard = guardOfCaller }
        let file = try HDF5File(readingFrom: path)
        try walk(file.root)
    }

    private static func walk(_ group: HDF5Group) throws(HDF5Error) {
        try walkAttributes(of: group)
        for name in try group.memberNames() {
            switch try group.kind(of: name) {
            case .group?: try walk(try group.openGroup(name))
            case .dataset?:
                let dataset = try group.openDataset(name)
                try walkAttributes(of: dataset)
                switch dataset.elementType {
                case .float32: _ = try dataset.read(Float.self)
                case .float64: _ = try dataset.read(Double.self)
                case .int8: _ = try dataset.read(Int8.self)
                case .int32: _ = try dataset.read(Int32.self)
                case .int64: _ = try dataset.read(Int64.self)
                case .uint8: _ = try dataset.read(UInt8.self)
                default: break  // types Condenser never reads
                }
            default: break
            }
        }
    }

    private static func walkAttributes(of object: HDF5Object) throws(HDF5Error) {
        for name in try object.attributeNames() {
            switch try object.attributeType(name) {
            case .string: _ = try? object.stringAttribute(name)
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: _ = try? object.int64Attribute(name)
            default: break
            }
        }
    }
}
