import CHDF5

/// Dataspaces: the shape of a dataset or attribute.
enum HDF5Dataspace {
    /// A simple dataspace of `shape`; `[]` gives a scalar.
    static func create(shape: [Int], at location: HDF5Location) throws(HDF5Error) -> HDF5Handle {
        if shape.isEmpty {
            return try location.open("H5Screate", close: H5Sclose) { H5Screate(H5S_SCALAR) }
        }
        let dimensions = shape.map { hsize_t($0) }
        return try location.open("H5Screate_simple", close: H5Sclose) {
            H5Screate_simple(Int32(dimensions.count), dimensions, nil)
        }
    }

    /// Extents of a dataspace, outermost first; `[]` for a scalar. A null (empty) dataspace
    /// has shape `[0]`, so that its element count is 0.
    static func shape(of spaceID: hid_t, at location: HDF5Location) throws(HDF5Error) -> [Int] {
        if try location.call("H5Sget_simple_extent_type", { H5Sget_simple_extent_type(spaceID).rawValue }) == H5S_NULL.rawValue {
            return [0]
        }
        let rank = try location.call("H5Sget_simple_extent_ndims") { H5Sget_simple_extent_ndims(spaceID) }
        var dimensions = [hsize_t](repeating: 0, count: Int(rank))
        try location.call("H5Sget_simple_extent_dims") { H5Sget_simple_extent_dims(spaceID, &dimensions, nil) }
        return dimensions.map { Int(clamping: $0) }  // a hostile extent saturates; readers bound it against the file
    }
}
