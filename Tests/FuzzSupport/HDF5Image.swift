import Foundation
import HDF5

/// An HDF5 file held in memory as its root attributes and datasets, so that a fuzz case can break
/// one thing in a valid file and write it again with the HDF5 module alone.
public struct HDF5Image: Sendable {
    public enum Attribute: Sendable, Equatable {
        case string(String)
        case integer(Int64)
    }

    /// A dataset's values in one of the element types Condenser's files use.
    public enum Values: Sendable {
        case float32([Float]), float64([Double]), int8([Int8]), int32([Int32]), int64([Int64]), uint8([UInt8])

        public var count: Int {
            switch self {
            case let .float32(v): v.count
            case let .float64(v): v.count
            case let .int8(v): v.count
            case let .int32(v): v.count
            case let .int64(v): v.count
            case let .uint8(v): v.count
            }
        }

        /// The same values as doubles (for converting between element types).
        public var doubles: [Double] {
            switch self {
            case let .float32(v): v.map(Double.init)
            case let .float64(v): v
            case let .int8(v): v.map(Double.init)
            case let .int32(v): v.map(Double.init)
            case let .int64(v): v.map(Double.init)
            case let .uint8(v): v.map(Double.init)
            }
        }
    }

    public struct Dataset: Sendable {
        public var values: Values
        public var shape: [Int]
    }

    public var attributes: [String: Attribute]
    /// By path below the root (`model/vision/pos_embed`, `images`).
    public var datasets: [String: Dataset]

    /// Reads every root attribute and dataset of a file Condenser wrote.
    public init(reading url: URL) throws {
        let file = try HDF5File(readingFrom: url.path)
        attributes = [:]
        for name in try file.root.attributeNames() {
            attributes[name] = try file.root.attributeType(name) == .string
                ? .string(try file.root.stringAttribute(name)) : .integer(try file.root.int64Attribute(name))
        }
        datasets = [:]
        for path in try file.root.datasetPaths() {
            let dataset = try file.root.openDataset(path)
            let values: Values = switch dataset.elementType {
            case .float32: .float32(try dataset.read())
            case .float64: .float64(try dataset.read())
            case .int8: .int8(try dataset.read())
            case .int32: .int32(try dataset.read())
            case .int64: .int64(try dataset.read())
            case .uint8: .uint8(try dataset.read())
            case let other: throw HDF5Error.wrongType(file: url.path, path: path, expected: .float32, actual: other)
            }
            datasets[path] = Dataset(values: values, shape: dataset.shape)
        }
    }

    /// Writes the image as a new file at `url` (replacing any file there).
    public func write(to url: URL) throws {
        try? FileManager.default.removeItem(at: url)
        let file = try HDF5File(creating: url.path)
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            switch value {
            case let .string(text): try file.root.setAttribute(name, text)
            case let .integer(number): try file.root.setAttribute(name, number)
            }
        }
        for (path, dataset) in datasets.sorted(by: { $0.key < $1.key }) {
            switch dataset.values {
            case let .float32(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            case let .float64(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            case let .int8(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            case let .int32(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            case let .int64(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            case let .uint8(v): _ = try file.root.createDataset(path, values: v, shape: dataset.shape)
            }
        }
        try file.close()
    }
}
