import CHDF5

/// Attributes: small named values on a group (the root group holds a file's attributes) or dataset.
/// Strings are written as variable-length UTF-8 scalars, which h5py reads as `str`; reading
/// also accepts fixed-length strings (h5py's `numpy.bytes_`) and one-element arrays.
extension HDF5Object {
    /// Names of this object's attributes, in creation order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        var info = H5O_info_t()
        try location.call("H5Oget_info") { H5Oget_info2(handle.id, &info, UInt32(H5O_INFO_NUM_ATTRS)) }
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let length = try location.call("H5Aget_name_by_idx") {
                H5Aget_name_by_idx(handle.id, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, index, nil, 0, condenser_h5p_default())
            }
            var buffer = [CChar](repeating: 0, count: length + 1)
            try location.call("H5Aget_name_by_idx") {
                H5Aget_name_by_idx(handle.id, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, index, &buffer, buffer.count,
                                   condenser_h5p_default())
            }
            names.append(String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// Whether this object has an attribute `name`.
    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        try location.attribute(name).call("H5Aexists") { H5Aexists(handle.id, name) } > 0
    }

    /// Element type of attribute `name`.
    public func attributeType(_ name: String) throws(HDF5Error) -> HDF5ElementType {
        let (_, type, _) = try openAttribute(name)
        return HDF5ElementType(typeID: type.id)
    }

    /// Sets attribute `name` to a variable-length UTF-8 string, replacing any previous value.
    public func setAttribute(_ name: String, _ value: String) throws(HDF5Error) {
        let target = location.attribute(name)
        let type = try HDF5Object.variableLengthStringType(at: target)
        let attribute = try createAttribute(name, typeID: type.id)
        try target.call("H5Awrite") {
            value.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                return H5Awrite(attribute.id, type.id, &pointer)
            }
        }
    }

    /// Sets attribute `name` to a 64-bit integer, replacing any previous value.
    public func setAttribute(_ name: String, _ value: Int64) throws(HDF5Error) {
        let attribute = try createAttribute(name, typeID: condenser_h5t_std_i64le())
        var value = value
        try location.attribute(name).call("H5Awrite") { H5Awrite(attribute.id, condenser_h5t_native_int64(), &value) }
    }

    /// The string value of attribute `name`, fixed- or variable-length.
    /// - Throws: `.missingAttribute`, `.wrongType` if it is not a string, `.wrongShape` if it has more than one element.
    public func stringAttribute(_ name: String) throws(HDF5Error) -> String {
        let target = location.attribute(name)
        let (attribute, type, _) = try openSingleElementAttribute(name, expected: .string)
        if try target.call("H5Tis_variable_str", { H5Tis_variable_str(type.id) }) > 0 {
            var pointer: UnsafeMutablePointer<CChar>?
            try target.call("H5Aread") { H5Aread(attribute.id, type.id, &pointer) }
            defer { if let pointer { H5free_memory(pointer) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type.id)
        guard size <= target.readableBytesLimit else {
            throw .implausibleSize(file: target.file, path: target.path,
                                   reason: "declares a \(size)-byte string in a \(target.fileLength)-byte file")
        }
        guard size > 0 else {
            throw .operationFailed(file: target.file, object: target.path, operation: "H5Tget_size",
                                   detail: HDF5Location.innermostMessage())
        }
        var bytes = [UInt8](repeating: 0, count: size)
        try target.call("H5Aread") { H5Aread(attribute.id, type.id, &bytes) }
        // Null-terminated, null-padded or space-padded: cut at the first null, drop space padding.
        var text = bytes.prefix { $0 != 0 }
        if H5Tget_strpad(type.id) == H5T_STR_SPACEPAD {
            while text.last == UInt8(ascii: " ") { text.removeLast() }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The value of integer attribute `name` (any integer width, converted to Int64).
    /// - Throws: `.missingAttribute`, `.wrongType` if it is not an integer, `.wrongShape` if it has more than one element.
    public func int64Attribute(_ name: String) throws(HDF5Error) -> Int64 {
        let (attribute, _, _) = try openSingleElementAttribute(name, expected: .int64)
        var value: Int64 = 0
        try location.attribute(name).call("H5Aread") { H5Aread(attribute.id, condenser_h5t_native_int64(), &value) }
        return value
    }

    /// Opens attribute `name` with its type and shape.
    private func openAttribute(_ name: String) throws(HDF5Error) -> (attribute: HDF5Handle, type: HDF5Handle, shape: [Int]) {
        let target = location.attribute(name)
        guard try hasAttribute(name) else {
            throw .missingAttribute(file: location.file, object: location.path, name: name)
        }
        let attribute = try target.open("H5Aopen", close: H5Aclose) { H5Aopen(handle.id, name, condenser_h5p_default()) }
        let type = try target.open("H5Aget_type", close: H5Tclose) { H5Aget_type(attribute.id) }
        let space = try target.open("H5Aget_space", close: H5Sclose) { H5Aget_space(attribute.id) }
        return (attribute, type, try HDF5Dataspace.shape(of: space.id, at: target))
    }

    /// Opens attribute `name`, checking that it holds one element of `expected`'s kind
    /// (any string for `.string`, any integer for an integer type).
    private func openSingleElementAttribute(_ name: String, expected: HDF5ElementType) throws(HDF5Error)
        -> (attribute: HDF5Handle, type: HDF5Handle, shape: [Int]) {
        let target = location.attribute(name)
        let opened = try openAttribute(name)
        let actual = HDF5ElementType(typeID: opened.type.id)
        let expectedClass = expected == .string ? H5T_STRING : H5T_INTEGER
        guard H5Tget_class(opened.type.id) == expectedClass else {
            throw .wrongType(file: target.file, path: target.path, expected: expected, actual: actual)
        }
        guard opened.shape.reduce(1, *) == 1 else {
            throw .wrongShape(file: target.file, path: target.path, expected: [], actual: opened.shape)
        }
        return opened
    }

    /// Creates attribute `name` as a scalar of type `typeID`, deleting any previous attribute of that name.
    private func createAttribute(_ name: String, typeID: hid_t) throws(HDF5Error) -> HDF5Handle {
        let target = location.attribute(name)
        if try hasAttribute(name) {
            try target.call("H5Adelete") { H5Adelete(handle.id, name) }
        }
        let space = try HDF5Dataspace.create(shape: [], at: target)
        return try target.open("H5Acreate2", close: H5Aclose) {
            H5Acreate2(handle.id, name, typeID, space.id, condenser_h5p_default(), condenser_h5p_default())
        }
    }

    /// A variable-length, UTF-8 C string type.
    private static func variableLengthStringType(at location: HDF5Location) throws(HDF5Error) -> HDF5Handle {
        let type = try location.open("H5Tcopy", close: H5Tclose) { H5Tcopy(condenser_h5t_c_s1()) }
        try location.call("H5Tset_size") { H5Tset_size(type.id, condenser_h5t_variable()) }
        try location.call("H5Tset_cset") { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        return type
    }
}
