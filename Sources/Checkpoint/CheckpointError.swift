import HDF5

/// Errors of checkpoint and dataset files. Each names the file and, where there is one,
/// the tensor, dataset or attribute it is about.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read as HDF5 (missing, not HDF5, truncated, I/O failure).
    case hdf5(HDF5Error)
    /// The root attribute `format` is missing (`found == nil`) or is not `condenser-checkpoint`.
    case notACheckpoint(file: String, found: String?)
    /// `format_version` is one this build does not read.
    case unsupportedVersion(file: String, version: Int64, supported: Int64)
    /// A root attribute is missing, of the wrong type, or its value is invalid.
    case invalidAttribute(file: String, name: String, reason: String)
    /// A parameter the model config implies has no dataset.
    case missingTensor(file: String, name: String)
    /// A dataset under `/model` is no parameter of the model the config describes.
    case unexpectedTensor(file: String, name: String)
    case mismatchedShape(file: String, name: String, expected: [Int], actual: [Int])
    /// A tensor's dataset holds another element type than the checkpoint's precision requires.
    case wrongDtype(file: String, name: String, expected: HDF5ElementType, actual: HDF5ElementType)
    /// A parameter holds NaN or ±Inf (a diverged run or a damaged file); `index` is the first, in row-major order.
    case nonFiniteTensor(file: String, name: String, index: Int, value: Float)
    /// A dataset file's array or attribute (`images`, `tokens`, `labels`, `vocab`, `answers`) is malformed.
    case invalidDataset(file: String, name: String, reason: String)
    /// A dataset file does not fit a model: `key` is the model config key it disagrees with.
    case incompatibleWithModel(file: String, key: String, reason: String)
    /// Saving failed; the previous file at `file`, if any, is unchanged.
    case cannotWrite(file: String, reason: String)
    /// A valid checkpoint that cannot serve as asked (an int8 one to initialise from, a prefix that matches nothing).
    case unusable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .hdf5(error): error.description
        case let .notACheckpoint(file, found):
            "\(file): not a condenser checkpoint (root attribute 'format' is "
                + (found.map { "'\($0)'" } ?? "missing") + ", expected '\(CheckpointMetadata.formatName)')"
        case let .unsupportedVersion(file, version, supported):
            "\(file): checkpoint format_version \(version) is not supported (this build reads version \(supported))"
        case let .invalidAttribute(file, name, reason): "\(file): attribute '\(name)': \(reason)"
        case let .missingTensor(file, name): "\(file): missing tensor '\(name)'"
        case let .unexpectedTensor(file, name): "\(file): unexpected tensor '\(name)' (not a parameter of the configured model)"
        case let .mismatchedShape(file, name, expected, actual):
            "\(file): tensor '\(name)' has shape \(actual), expected \(expected)"
        case let .wrongDtype(file, name, expected, actual): "\(file): tensor '\(name)' is \(actual), expected \(expected)"
        case let .nonFiniteTensor(file, name, index, value):
            "\(file): tensor '\(name)' holds \(value) at flat index \(index); parameters must be finite "
                + "(a diverged training run or a damaged file)"
        case let .invalidDataset(file, name, reason): "\(file): '\(name)': \(reason)"
        case let .incompatibleWithModel(file, key, reason): "\(file): does not fit the model (config '\(key)'): \(reason)"
        case let .cannotWrite(file, reason): "\(file): cannot save (any previous file is unchanged): \(reason)"
        case let .unusable(file, reason): "\(file): \(reason)"
        }
    }
}

extension CheckpointError {
    /// Runs `body`, passing its HDF5 errors on as `.hdf5`.
    static func wrappingHDF5<Value>(_ body: () throws(HDF5Error) -> Value) throws(CheckpointError) -> Value {
        do {
            return try body()
        } catch {
            throw .hdf5(error)
        }
    }
}
