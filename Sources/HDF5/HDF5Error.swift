/// Errors of the HDF5 layer. Each names the file and, where there is one, the object
/// (`/model/head/weight`) or attribute it is about; `detail` is HDF5's innermost error message.
public enum HDF5Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist, or cannot be read or created.
    case cannotOpen(path: String, reason: String)
    /// The file exists but has no HDF5 signature.
    case notHDF5(path: String)
    /// The file is shorter than its superblock says: an interrupted copy or write.
    case truncated(path: String)
    /// No group, dataset or other object at `path`.
    case missingObject(file: String, path: String)
    /// The object at `path` is of another kind, e.g. a dataset where a group was expected.
    case wrongKind(file: String, path: String, expected: HDF5ObjectKind, actual: HDF5ObjectKind)
    /// `object` has no attribute `name`.
    case missingAttribute(file: String, object: String, name: String)
    /// A dataset or attribute holds another element type than the one asked for.
    case wrongType(file: String, path: String, expected: HDF5ElementType, actual: HDF5ElementType)
    /// A dataset or attribute has another shape than the one asked for.
    case wrongShape(file: String, path: String, expected: [Int], actual: [Int])
    /// A dataset or attribute declares more data than the file could plausibly hold (a damaged or
    /// hostile header); nothing was allocated for it.
    case implausibleSize(file: String, path: String, reason: String)
    /// The HDF5 library crashed or hung reading the file (see `HDF5File.readingGuard`).
    case damaged(path: String, reason: String)
    /// An HDF5 call failed; `operation` is the C function.
    case operationFailed(file: String, object: String, operation: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .implausibleSize(file, path, reason): "\(file): \(path) \(reason)"
        case let .damaged(path, reason): "\(path): damaged HDF5 file: \(reason)"
        case let .notHDF5(path): "\(path): not an HDF5 file"
        case let .truncated(path): "\(path): truncated HDF5 file (shorter than its header says; was a write or copy interrupted?)"
        case let .missingObject(file, path): "\(file): no object at \(path)"
        case let .wrongKind(file, path, expected, actual): "\(file): \(path) is a \(actual), expected a \(expected)"
        case let .missingAttribute(file, object, name): "\(file): \(object) has no attribute '\(name)'"
        case let .wrongType(file, path, expected, actual): "\(file): \(path) holds \(actual), expected \(expected)"
        case let .wrongShape(file, path, expected, actual): "\(file): \(path) has shape \(actual), expected \(expected)"
        case let .operationFailed(file, object, operation, detail):
            "\(file): \(operation) failed on \(object)\(detail.isEmpty ? "" : ": \(detail)")"
        }
    }
}
