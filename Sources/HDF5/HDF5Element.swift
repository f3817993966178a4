import CHDF5

/// A Swift number type that datasets store and load directly: `Float`, `Double`, `Int8`,
/// `Int32`, `Int64` and `UInt8` conform. Other conformances are not supported.
public protocol HDF5Element: BitwiseCopyable, Sendable {
    /// The element type this Swift type reads and writes.
    static var elementType: HDF5ElementType { get }
}

extension Float: HDF5Element { public static var elementType: HDF5ElementType { .float32 } }
extension Double: HDF5Element { public static var elementType: HDF5ElementType { .float64 } }
extension Int8: HDF5Element { public static var elementType: HDF5ElementType { .int8 } }
extension Int32: HDF5Element { public static var elementType: HDF5ElementType { .int32 } }
extension Int64: HDF5Element { public static var elementType: HDF5ElementType { .int64 } }
extension UInt8: HDF5Element { public static var elementType: HDF5ElementType { .uint8 } }

extension HDF5Element {
    /// In-memory (native) HDF5 type of `Self`.
    static var memoryTypeID: hid_t {
        switch elementType {
        case .float32: condenser_h5t_native_float()
        case .float64: condenser_h5t_native_double()
        case .int8: condenser_h5t_native_int8()
        case .int32: condenser_h5t_native_int32()
        case .int64: condenser_h5t_native_int64()
        case .uint8: condenser_h5t_native_uint8()
        default: preconditionFailure("HDF5Element conformance for unsupported type \(elementType)")
        }
    }

    /// On-disk HDF5 type of `Self`: little-endian, as numpy writes it.
    static var fileTypeID: hid_t {
        switch elementType {
        case .float32: condenser_h5t_ieee_f32le()
        case .float64: condenser_h5t_ieee_f64le()
        case .int8: condenser_h5t_std_i8le()
        case .int32: condenser_h5t_std_i32le()
        case .int64: condenser_h5t_std_i64le()
        case .uint8: condenser_h5t_std_u8le()
        default: preconditionFailure("HDF5Element conformance for unsupported type \(elementType)")
        }
    }
}
