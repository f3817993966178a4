import CHDF5

/// An open group: a folder of named groups and datasets. A file's root group is `HDF5File.root`.
/// Paths passed to its methods are relative to it and use `/` between levels (`layers/0/weight`).
public final class HDF5Group: HDF5Object {
    /// Creates a group at `path`, and any missing groups above it.
    /// - Throws: `.operationFailed` if something already exists at `path`.
    @discardableResult
    public func createGroup(_ path: String) throws(HDF5Error) -> HDF5Group {
        let target = location.appending(path)
        let linkProperties = try HDF5Group.intermediateGroupCreation(at: target)
        let group = try target.open("H5Gcreate2", close: H5Gclose) {
            H5Gcreate2(handle.id, path, linkProperties.id, condenser_h5p_default(), condenser_h5p_default())
        }
        return HDF5Group(handle: group, location: target)
    }

    /// Opens the existing group at `path`.
    /// - Throws: `.missingObject` or `.wrongKind` naming the path.
    public func openGroup(_ path: String) throws(HDF5Error) -> HDF5Group {
        let target = location.appending(path)
        try requireKind(.group, at: path)
        let group = try target.open("H5Gopen2", close: H5Gclose) {
            H5Gopen2(handle.id, path, condenser_h5p_default())
        }
        return HDF5Group(handle: group, location: target)
    }

    /// Creates a contiguous dataset at `path` (and any missing groups above it) holding `values`
    /// in row-major order. `values.count` must equal the product of `shape`; `[]` is a scalar.
    @discardableResult
    public func createDataset<Element: HDF5Element>(_ path: String, values: [Element], shape: [Int]) throws(HDF5Error) -> HDF5Dataset {
        precondition(values.count == shape.reduce(1, *),
                     "\(values.count) values do not fill shape \(shape) of dataset \(path)")
        let target = location.appending(path)
        let space = try HDF5Dataspace.create(shape: shape, at: target)
        let linkProperties = try HDF5Group.intermediateGroupCreation(at: target)
        let dataset = try target.open("H5Dcreate2", close: H5Dclose) {
            H5Dcreate2(handle.id, path, Element.fileTypeID, space.id, linkProperties.id,
                       condenser_h5p_default(), condenser_h5p_default())
        }
        if !values.isEmpty {
            try target.call("H5Dwrite") {
                H5Dwrite(dataset.id, Element.memoryTypeID, condenser_h5s_all(), condenser_h5s_all(),
                         condenser_h5p_default(), values)
            }
        }
        return try HDF5Dataset(opened: dataset, at: target)
    }

    /// Opens the existing dataset at `path`.
    /// - Throws: `.missingObject` or `.wrongKind` naming the path.
    public func openDataset(_ path: String) throws(HDF5Error) -> HDF5Dataset {
        let target = location.appending(path)
        try requireKind(.dataset, at: path)
        let dataset = try target.open("H5Dopen2", close: H5Dclose) {
            H5Dopen2(handle.id, path, condenser_h5p_default())
        }
        return try HDF5Dataset(opened: dataset, at: target)
    }

    /// Names of the direct members (groups, datasets, named types), in name order.
    public func memberNames() throws(HDF5Error) -> [String] {
        var info = H5G_info_t()
        try location.call("H5Gget_info") { H5Gget_info(handle.id, &info) }
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = try location.call("H5Lget_name_by_idx") {
                H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, condenser_h5p_default())
            }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try location.call("H5Lget_name_by_idx") {
                H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
                                   condenser_h5p_default())
            }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// What is at `path`, or `nil` if nothing is (including when a group above it is missing).
    public func kind(of path: String) throws(HDF5Error) -> HDF5ObjectKind? {
        // H5Lexists needs every level above the last to exist, so walk down one level at a time.
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            let exists = try location.appending(prefix).call("H5Lexists") {
                H5Lexists(handle.id, prefix, condenser_h5p_default())
            }
            if exists == 0 { return nil }
        }
        let target = location.appending(path)
        let object = try target.open("H5Oopen", close: H5Oclose) { H5Oopen(handle.id, path, condenser_h5p_default()) }
        switch H5Iget_type(object.id) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        case H5I_DATATYPE: return .namedDatatype
        default:
            throw .operationFailed(file: target.file, object: target.path, operation: "H5Iget_type",
                                   detail: "not a group, dataset or named datatype")
        }
    }

    /// Paths of every dataset below this group, relative to it, depth first in name order.
    public func datasetPaths() throws(HDF5Error) -> [String] {
        var paths: [String] = []
        for name in try memberNames() {
            switch try kind(of: name) {
            case .dataset: paths.append(name)
            case .group: paths += try openGroup(name).datasetPaths().map { name + "/" + $0 }
            case .namedDatatype, nil: break
            }
        }
        return paths
    }

    private func requireKind(_ expected: HDF5ObjectKind, at path: String) throws(HDF5Error) {
        let target = location.appending(path)
        guard let actual = try kind(of: path) else { throw .missingObject(file: target.file, path: target.path) }
        guard actual == expected else {
            throw .wrongKind(file: target.file, path: target.path, expected: expected, actual: actual)
        }
    }

    /// Link-creation properties that create missing intermediate groups.
    private static func intermediateGroupCreation(at location: HDF5Location) throws(HDF5Error) -> HDF5Handle {
        let properties = try location.open("H5Pcreate", close: H5Pclose) { H5Pcreate(condenser_h5p_link_create()) }
        try location.call("H5Pset_create_intermediate_group") { H5Pset_create_intermediate_group(properties.id, 1) }
        return properties
    }
}
