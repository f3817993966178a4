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
    /// The whole matrix in the kernel's packed form, and each row's sum of codes.
    private let packing: Packing
    /// Packings of row ranges that do not start on a 16-row panel boundary, made on first use.
    private let unalignedPackings = Mutex<[Range<Int>: Packing]>([:])

    private struct Packing {
        var codes: [Int8]
        var rowSums: [Int32]
    }

    public init(values: [Int8], scales: [Float], outputs: Int, inputs: Int) {
        precondition(values.count == outputs * inputs && scales.count == outputs,
                     "int8 weights need \(outputs)×\(inputs) values and \(outputs) scales")
        self.outputs = outputs
        self.inputs = inputs
        self.values = values
        self.scales = scales
        packing = Self.pack(values, rows: 0..<outputs, inputs: inputs)
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

    /// Calls `body` with the packed form of `rows` and their code sums (a panel-aligned slice of
    /// the whole packing when rows start on a multiple of 16, else a packing made once for that range).
    func withPacked<Result>(rows: Range<Int>,
                            _ body: (_ packed: UnsafePointer<Int8>, _ rowSums: UnsafePointer<Int32>) -> Result) -> Result {
        var (chosen, offset, sumOffset) = (packing, 0, 0)
        if rows.lowerBound % 16 == 0 {
            (offset, sumOffset) = (rows.lowerBound / 16 * condenser_qgemm_packed_count(16, inputs), rows.lowerBound)
        } else {
            chosen = unalignedPackings.withLock { cache in
                if let existing = cache[rows] { return existing }
                let made = Self.pack(values, rows: rows, inputs: inputs)
                cache[rows] = made
                return made
            }
        }
        return chosen.codes.withUnsafeBufferPointer { p in
            chosen.rowSums.withUnsafeBufferPointer { s in body(p.baseAddress! + offset, s.baseAddress! + sumOffset) }
        }
    }

    private static func pack(_ values: [Int8], rows: Range<Int>, inputs: Int) -> Packing {
        var result = Packing(codes: [Int8](repeating: 0, count: condenser_qgemm_packed_count(rows.count, inputs)),
                             rowSums: [Int32](repeating: 0, count: rows.count))
        values.withUnsafeBufferPointer { v in
            result.codes.withUnsafeMutableBufferPointer { p in
                result.rowSums.withUnsafeMutableBufferPointer { s in
                    condenser_qgemm_pack(v.baseAddress! + rows.lowerBound * inputs, rows.count, inputs, p.baseAddress!, s.baseAddress!)
                }
            }
        }
        return result
    }
}

extension Int8Weights {
    /// The code path of the int8 product on this CPU, chosen at run time: "avx512-vnni", "avx-vnni",
    /// "avx2" or "portable" (all give bit-identical results).
    public static var kernelPath: String { String(cString: condenser_qgemm_path_name(Int32(CONDENSER_QGEMM_BEST))) }
}
