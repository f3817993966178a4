import CKernels
import Synchronization

/// A weight matrix W [out, in] in int8 with one float32 scale per output channel (symmetric:
/// W ≈ values[o, i] · scales[o], values in −127…127), packed once for the int8 kernel.
public final class Int8Weights: Sendable {
    public let outputs: Int
    public let inputs: Int
    /// int8 codes [out, in], row-major.
    public let values: [Int8]
    /// Per-output-channel scales [out].
    public let scales: [Float]
    /// The whole matrix in the kernel's packed form.
    private let packed: [Int16]
    /// Packings of row ranges that do not start on a 16-row panel boundary, made on first use.
    private let unalignedPackings = Mutex<[Range<Int>: [Int16]]>([:])

    public init(values: [Int8], scales: [Float], outputs: Int, inputs: Int) {
        precondition(values.count == outputs * inputs && scales.count == outputs,
                     "int8 weights need \(outputs)×\(inputs) values and \(outputs) scales")
        self.outputs = outputs
        self.inputs = inputs
        self.values = values
        self.scales = scales
        packed = Self.pack(values, rows: 0..<outputs, inputs: inputs)
    }

    /// Symmetric per-channel quantization of weight [out, in]: scale = max|row| / 127 (1 for a
    /// row of zeros), values = round(w / scale).
    public static func quantizing(_ weight: Tensor) -> Int8Weights {
        precondition(weight.rank == 2, "int8 weights need a matrix, got shape \(weight.shape)")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        var values = [Int8](repeating: 0, count: outputs * inputs)
        var scales = [Float](repeating: 1, count: outputs)
        for o in 0..<outputs {
            let row = weight.storage[(o * inputs)..<((o + 1) * inputs)]
            let largest = row.reduce(0) { max($0, abs($1)) }
            if largest > 0 { scales[o] = largest / 127 }
            let inverse = 1 / scales[o]
            for (i, w) in row.enumerated() {
                values[o * inputs + i] = Int8(max(-127, min(127, (w * inverse).rounded(.toNearestOrEven))))
            }
        }
        return Int8Weights(values: values, scales: scales, outputs: outputs, inputs: inputs)
    }

    /// values · scale per channel: the weights the int8 path effectively uses, [out, in].
    public func dequantized() -> Tensor {
        var out = [Float](repeating: 0, count: outputs * inputs)
        for o in 0..<outputs {
            for i in 0..<inputs { out[o * inputs + i] = Float(values[o * inputs + i]) * scales[o] }
        }
        return Tensor(shape: [outputs, inputs], storage: out)
    }

    /// Calls `body` with the packed form of `rows` (a panel-aligned slice of the whole packing when
    /// rows start on a multiple of 16, else a packing made once for that range).
    func withPacked<Result>(rows: Range<Int>, _ body: (UnsafePointer<Int16>) -> Result) -> Result {
        if rows.lowerBound % 16 == 0 {
            let offset = rows.lowerBound / 16 * condenser_qgemm_packed_count(16, inputs)
            return packed.withUnsafeBufferPointer { body($0.baseAddress! + offset) }
        }
        let slice = unalignedPackings.withLock { cache in
            if let existing = cache[rows] { return existing }
            let made = Self.pack(values, rows: rows, inputs: inputs)
            cache[rows] = made
            return made
        }
        return slice.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func pack(_ values: [Int8], rows: Range<Int>, inputs: Int) -> [Int16] {
        var packed = [Int16](repeating: 0, count: condenser_qgemm_packed_count(rows.count, inputs))
        values.withUnsafeBufferPointer { v in
            packed.withUnsafeMutableBufferPointer { p in
                condenser_qgemm_pack(v.baseAddress! + rows.lowerBound * inputs, rows.count, inputs, p.baseAddress!)
            }
        }
        return packed
    }
}
