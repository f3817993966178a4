import CKernels

/// Activations already in the int8 kernel's unsigned 7-bit codes, for a product that reads them
/// without a float copy (`Tensor.int8Linear(codes:)`): rows of `columns` codes, each row padded
/// with zeros to `stride` (a multiple of 4), under one static quantization.
public struct Int8Codes: Sendable {
    /// [.., columns]
    public let shape: [Int]
    /// rows × stride codes.
    public let codes: [UInt8]
    public let quantization: ActivationQuantization

    public init(shape: [Int], codes: [UInt8], quantization: ActivationQuantization) {
        precondition(!shape.isEmpty && codes.count == shape.dropLast().reduce(1, *) * Self.stride(shape.last!),
                     "int8 codes of shape \(shape) need rows of \(Self.stride(shape.last ?? 0)) codes, got \(codes.count) in all")
        self.shape = shape
        self.codes = codes
        self.quantization = quantization
    }

    public var columns: Int { shape.last! }
    public var rows: Int { codes.count / max(stride, 1) }
    public var stride: Int { Self.stride(columns) }

    /// A row of `columns` codes padded to a multiple of 4.
    public static func stride(_ columns: Int) -> Int { (columns + 3) & ~3 }
}

extension ActivationQuantization {
    /// The codes of `values`, as the int8 kernel quantizes its inputs (the same rounding and clamping).
    public func codes(of values: [Float]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            var (scale, zero) = (scale, zeroPoint)
            condenser_quantize_rows(values, 1, values.count, values.count, &scale, &zero, 0, buffer.baseAddress!, values.count, 0)
            initialized = values.count
        }
    }
}
