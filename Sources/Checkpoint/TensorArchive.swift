import Foundation
import HDF5

/// A file of named float32 arrays and string attributes, for Condenser's own working files
/// (training state for `--resume`, the teacher-output cache). Root attribute `format` names the
/// kind, so one kind is never mistaken for another. Array names may contain `/` (HDF5 groups).
public struct TensorArchive {
    public struct Array: Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) {
            precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill \(shape)")
            self.shape = shape
            self.values = values
        }
    }

    /// Value of the root `format` attribute.
    public var kind: String
    public var arrays: [String: Array]
    public var attributes: [String: String]

    public init(kind: String, arrays: [String: Array] = [:], attributes: [String: String] = [:]) {
        self.kind = kind
        self.arrays = arrays
        self.attributes = attributes
    }

    /// Saves atomically (temporary file, then rename).
    public func write(to url: URL) throws(CheckpointError) {
        try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
                let file = try HDF5File(creating: temporaryPath)
                try file.root.setAttribute("format", kind)
                for (name, value) in attributes { try file.root.setAttribute(name, value) }
                for (name, array) in arrays.sorted(by: { $0.key < $1.key }) {
                    try file.root.createDataset(name, values: array.values, shape: array.shape)
                }
                try file.close()
            }
        }
    }

    /// Reads a whole archive, checking that its `format` is `kind`.
    public static func read(from url: URL, kind: String) throws(CheckpointError) -> TensorArchive {
        let path = url.path
        let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(readingFrom: path) }
        let found = try? file.root.stringAttribute("format")
        guard found == kind else {
            throw .invalidAttribute(file: path, name: "format", reason: "is \(found.map { "'\($0)'" } ?? "missing"), expected '\(kind)'")
        }
        var archive = TensorArchive(kind: kind)
        try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
            for name in try file.root.attributeNames() where name != "format" {
                archive.attributes[name] = try file.root.stringAttribute(name)
            }
            for name in try file.root.datasetPaths() {
                let dataset = try file.root.openDataset(name)
                archive.arrays[name] = Array(shape: dataset.shape, values: try dataset.read(Float.self))
            }
        }
        return archive
    }
}
