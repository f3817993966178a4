import CHDF5

/// The element type of a dataset or attribute, named as numpy names dtypes.
public enum HDF5ElementType: Equatable, Hashable, Sendable, CustomStringConvertible {
    case float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    /// A fixed- or variable-length string.
    case string
    /// Anything else (half floats, compounds, enums, references, …), by HDF5 class name.
    case other(String)

    public var description: String {
        switch self {
        case .float32: "float32"
        case .float64: "float64"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .string: "string"
        case let .other(name): name
        }
    }

    /// Classifies an HDF5 datatype by class, size and sign; byte order is left to HDF5's conversion.
    init(typeID: hid_t) {
        let size = H5Tget_size(typeID)
        switch H5Tget_class(typeID) {
        case H5T_FLOAT:
            self = switch size {
            case 4: .float32
            case 8: .float64
            default: .other("float\(size * 8)")
            }
        case H5T_INTEGER:
            let signed = H5Tget_sign(typeID) == H5T_SGN_2
            self = switch (size, signed) {
            case (1, true): .int8
            case (2, true): .int16
            case (4, true): .int32
            case (8, true): .int64
            case (1, false): .uint8
            case (2, false): .uint16
            case (4, false): .uint32
            case (8, false): .uint64
            default: .other("\(signed ? "int" : "uint")\(size * 8)")
            }
        case H5T_STRING: self = .string
        case H5T_COMPOUND: self = .other("compound")
        case H5T_ENUM: self = .other("enum")
        case H5T_ARRAY: self = .other("array")
        case H5T_VLEN: self = .other("vlen")
        case H5T_OPAQUE: self = .other("opaque")
        case H5T_REFERENCE: self = .other("reference")
        case H5T_BITFIELD: self = .other("bitfield")
        case H5T_TIME: self = .other("time")
        default: self = .other("unknown")
        }
    }
}
