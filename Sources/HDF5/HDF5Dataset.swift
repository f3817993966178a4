import CHDF5

/// An open dataset: an n-dimensional array of one element type.
public final class HDF5Dataset: HDF5Object {
    /// Extent of each axis, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// Element type as stored in the file.
    public let elementType: HDF5ElementType

    init(opened handle: HDF5Handle, at location: HDF5Location) throws(HDF5Error) {
        let space = try location.open("H5Dget_space", close: H5Sclose) { H5Dget_space(handle.id) }
        shape = try HDF5Dataspace.shape(of: space.id, at: location)
        let type = try location.open("H5Dget_type", close: H5Tclose) { H5Dget_type(handle.id) }
        elementType = HDF5ElementType(typeID: type.id)
        super.init(handle: handle, location: location)
    }

    /// Number of elements: the product of `shape` (Int.max when a hostile extent overflows it).
    public var count: Int {
        shape.reduce(1) { product, extent in
            let (value, overflow) = product.multipliedReportingOverflow(by: extent)
            return overflow ? .max : value
        }
    }

    /// All elements in row-major order.
    /// - Throws: `.wrongType` if the dataset holds another element type (no silent conversion,
    ///   so a float64 dataset is not read as Float).
    public func read<Element: HDF5Element>(_ type: Element.Type = Element.self) throws(HDF5Error) -> [Element] {
        guard elementType == Element.elementType else {
            throw .wrongType(file: location.file, path: location.path, expected: Element.elementType, actual: elementType)
        }
        let count = count
        guard count > 0 else { return [] }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow, bytes <= location.readableBytesLimit else {
            throw .implausibleSize(file: location.file, path: location.path, reason: "declares \(shape) elements, "
                                   + "far more than the file's \(location.fileLength) bytes can hold")
        }
        var failure: HDF5Error?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(HDF5Error) {
                try location.call("H5Dread") {
                    H5Dread(handle.id, Element.memoryTypeID, condenser_h5s_all(), condenser_h5s_all(),
                            condenser_h5p_default(), buffer.baseAddress)
                }
                initialized = count
            } catch {
                // Elements are trivial numbers, so a partly written buffer needs no cleanup.
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }
}
