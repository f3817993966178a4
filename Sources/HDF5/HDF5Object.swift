import CHDF5

/// An open group or dataset: something in a file with a path and attributes.
/// The HDF5 identifier is closed when the object is deinitialised.
public class HDF5Object {
    let handle: HDF5Handle
    let location: HDF5Location

    init(handle: HDF5Handle, location: HDF5Location) {
        self.handle = handle
        self.location = location
    }

    /// File system path of the file this object is in.
    public var filePath: String { location.file }
    /// Absolute path of this object inside its file (`/`, `/model/head/weight`).
    public var path: String { location.path }
}

/// What an object in a file is.
public enum HDF5ObjectKind: Equatable, Sendable, CustomStringConvertible {
    case group, dataset
    /// A committed (named) datatype.
    case namedDatatype

    public var description: String {
        switch self {
        case .group: "group"
        case .dataset: "dataset"
        case .namedDatatype: "named datatype"
        }
    }
}
