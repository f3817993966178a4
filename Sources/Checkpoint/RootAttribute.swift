import Foundation
import HDF5

/// Root attributes of checkpoint and dataset files, read with errors that name the file and
/// attribute: HDF5's missing, wrong-type and wrong-shape errors become `.invalidAttribute`.
enum RootAttribute {
    static func exists(_ name: String, on root: HDF5Group) throws(CheckpointError) -> Bool {
        try reading(name, on: root) { (name) throws(HDF5Error) in try root.hasAttribute(name) }
    }

    static func string(_ name: String, on root: HDF5Group) throws(CheckpointError) -> String {
        try reading(name, on: root) { (name) throws(HDF5Error) in try root.stringAttribute(name) }
    }

    static func int64(_ name: String, on root: HDF5Group) throws(CheckpointError) -> Int64 {
        try reading(name, on: root) { (name) throws(HDF5Error) in try root.int64Attribute(name) }
    }

    /// A string attribute holding JSON, decoded as `type`.
    static func json<Value: Decodable>(_ type: Value.Type, _ name: String, on root: HDF5Group) throws(CheckpointError) -> Value {
        let text = try string(name, on: root)
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw .invalidAttribute(file: root.filePath, name: name, reason: "invalid JSON: \(describe(error))")
        }
    }

    /// Compact JSON with sorted keys, for a string attribute of a file being written.
    static func encodeJSON<Value: Encodable>(_ value: Value, _ name: String, file: String) throws(CheckpointError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .cannotWrite(file: file, reason: "attribute '\(name)' cannot be written as JSON: \(describe(error))")
        }
    }

    private static func reading<Value>(_ name: String, on root: HDF5Group,
                                       _ read: (String) throws(HDF5Error) -> Value) throws(CheckpointError) -> Value {
        do {
            return try read(name)
        } catch .missingAttribute {
            throw .invalidAttribute(file: root.filePath, name: name, reason: "missing")
        } catch let .wrongType(_, _, expected, actual) {
            throw .invalidAttribute(file: root.filePath, name: name,
                                    reason: "holds \(actual), expected \(expected == .string ? "a string" : "an integer")")
        } catch let .wrongShape(_, _, _, actual) {
            throw .invalidAttribute(file: root.filePath, name: name,
                                    reason: "holds an array of shape \(actual), expected a single value")
        } catch {
            throw .hdf5(error)
        }
    }

    /// A one-line account of a JSON coding error.
    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): "missing key '\(key.stringValue)'"
        case let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context):
            "expected \(type) at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case let DecodingError.dataCorrupted(context): context.debugDescription
        case let EncodingError.invalidValue(value, _): "cannot encode \(value)"
        default: "\(error)"
        }
    }
}
