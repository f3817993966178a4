import CKernels

extension Tensor {
    /// y = x·Ŵᵀ + b (+ residual) through the int8 kernel, for inference (records no gradient).
    /// x: [.., in] float → 7-bit codes, with `input` (static: one scale for the tensor) or, when
    /// `input` is nil, a scale and zero point per row computed now (dynamic); Ŵ: `weights` rows
    /// `outputRows` (default all) → y [.., rows]. Products accumulate exactly in int32 and are
    /// rescaled to float32 before the bias; a residual [.., rows] or an `activation` (not both) is
    /// applied by the same core while the rows are in cache. GELU takes its short form
    /// (`condenser_gelu_short`, within 1.5e-6 of GELU): its outputs feed the next int8 product's codes.
    public static func int8Linear(_ x: Tensor, weights: Int8Weights, bias: Tensor?, input: ActivationQuantization?,
                                  outputRows: Range<Int>? = nil, residual: Tensor? = nil, activation: LinearActivation? = nil) -> Tensor {
        let k = weights.inputs
        let rows = outputRows ?? 0..<weights.outputs
        precondition(x.shape.last == k, "int8 linear input \(x.shape) does not end in the weights' \(k) inputs")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= weights.outputs,
                     "int8 linear rows \(rows) outside \(weights.outputs) outputs")
        precondition(bias.map { $0.count == weights.outputs } ?? true, "int8 linear bias does not have \(weights.outputs) elements")
        let (m, n) = (x.count / max(k, 1), rows.count)
        let shape = Array(x.shape.dropLast()) + [n]
        precondition(residual == nil || residual!.shape == shape, "int8 linear residual \(residual!.shape) is not the output's \(shape)")
        precondition(residual == nil || activation == nil, "int8 linear takes a residual or an activation, not both")
        let lda = (k + 3) & ~3
        let perRow = input.map { [$0] } ?? rowQuantizations(x.storage, rows: m, columns: k)
        let rowScales = perRow.map(\.scale), zeroPoints = perRow.map(\.zeroPoint)
        let stride = input == nil ? 1 : 0
        // Every element, padding included, is written by the quantizer before the product reads it.
        var codes = [UInt8](unsafeUninitializedCapacity: m * lda) { _, initialized in initialized = m * lda }
        // Shares the tensors' buffers (no copy); both are indexed from `rows.lowerBound` below.
        let biasStorage = bias?.storage ?? [], residualStorage = residual?.storage ?? []

        let out = uninitializedStorage(m * n) { c in
            x.storage.withUnsafeBufferPointer { xp in
            codes.withUnsafeMutableBufferPointer { q in
            rowScales.withUnsafeBufferPointer { rs in
            zeroPoints.withUnsafeBufferPointer { zp in
            weights.scales.withUnsafeBufferPointer { allScales in
            biasStorage.withUnsafeBufferPointer { b in
            residualStorage.withUnsafeBufferPointer { residualRows in
            weights.withPacked(rows: rows) { packed, rowSums in
                let cs = allScales.baseAddress! + rows.lowerBound
                let biasPointer = b.isEmpty ? nil : b.baseAddress! + rows.lowerBound
                // Quantize and multiply by rows of x when there are enough, else by 16-channel panels.
                if m >= 4 * Parallel.threadCount || m * n * k < BLAS.parallelThreshold {
                    Parallel.forEachRange(m, grain: m * n * k < BLAS.parallelThreshold ? m : 6) { r in
                        condenser_quantize_rows(xp.baseAddress! + r.lowerBound * k, r.count, k, k,
                                                rs.baseAddress! + r.lowerBound * stride, zp.baseAddress! + r.lowerBound * stride,
                                                stride, q.baseAddress! + r.lowerBound * lda, lda, 0)
                        guard activation == nil else {
                            // GELU on blocks of 16 rows, each read back from a scratch block while in cache.
                            var scratch = [Float](repeating: 0, count: 16 * n)
                            for first in Swift.stride(from: r.lowerBound, to: r.upperBound, by: 16) {
                                let count = min(16, r.upperBound - first)
                                condenser_qgemm(q.baseAddress! + first * lda, lda, count, packed, rowSums, n, k,
                                                rs.baseAddress! + first * stride, zp.baseAddress! + first * stride, stride,
                                                cs, biasPointer, nil, 0, &scratch, n)
                                condenser_gelu_short(scratch, c.baseAddress! + first * n, count * n)
                            }
                            return
                        }
                        condenser_qgemm(q.baseAddress! + r.lowerBound * lda, lda, r.count, packed, rowSums, n, k,
                                        rs.baseAddress! + r.lowerBound * stride, zp.baseAddress! + r.lowerBound * stride, stride,
                                        cs, biasPointer, residualRows.isEmpty ? nil : residualRows.baseAddress! + r.lowerBound * n, n,
                                        c.baseAddress! + r.lowerBound * n, n)
                    }
                } else {
                    condenser_quantize_rows(xp.baseAddress!, m, k, k, rs.baseAddress!, zp.baseAddress!, stride,
                                            q.baseAddress!, lda, 0)
                    let panels = (n + 15) / 16
                    // With an activation the products go to a scratch first, then through it into the output.
                    var scratch = [Float](repeating: 0, count: activation == nil ? 0 : m * n)
                    scratch.withUnsafeMutableBufferPointer { s in
                        let products = activation == nil ? c.baseAddress! : s.baseAddress!
                        Parallel.forEachRange(panels, grain: 1) { p in
                            let columns = (p.lowerBound * 16)..<min(n, p.upperBound * 16)
                            condenser_qgemm(q.baseAddress!, lda, m, packed + p.lowerBound * condenser_qgemm_packed_count(16, k),
                                            rowSums + columns.lowerBound, columns.count, k, rs.baseAddress!, zp.baseAddress!, stride,
                                            cs + columns.lowerBound, biasPointer.map { $0 + columns.lowerBound },
                                            residualRows.isEmpty ? nil : residualRows.baseAddress! + columns.lowerBound, n,
                                            products + columns.lowerBound, n)
                        }
                        if activation != nil { condenser_gelu_short(s.baseAddress!, c.baseAddress!, m * n) }
                    }
                }
            } } } } } } } }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// y = codes·Ŵᵀ + b through the int8 kernel for activations already in codes (no quantization
    /// pass), for inference: x: [.., in] codes → y [.., out], split by rows across the cores.
    /// The same values as `int8Linear` on the floats the codes came from.
    public static func int8Linear(codes x: Int8Codes, weights: Int8Weights, bias: Tensor?) -> Tensor {
        let (m, n, k) = (x.rows, weights.outputs, weights.inputs)
        precondition(x.columns == k, "int8 linear codes \(x.shape) do not end in the weights' \(k) inputs")
        precondition(bias.map { $0.count == n } ?? true, "int8 linear bias does not have \(n) elements")
        let (scale, zeroPoint) = ([x.quantization.scale], [x.quantization.zeroPoint])
        let biasStorage = bias?.storage ?? []
        let out = uninitializedStorage(m * n) { c in
            x.codes.withUnsafeBufferPointer { q in
            weights.scales.withUnsafeBufferPointer { channelScales in
            biasStorage.withUnsafeBufferPointer { b in
            weights.withPacked(rows: 0..<n) { packed, rowSums in
                Parallel.forEachRange(m, grain: m * n * k < BLAS.parallelThreshold ? m : 6) { r in
                    condenser_qgemm(q.baseAddress! + r.lowerBound * x.stride, x.stride, r.count, packed, rowSums, n, k, scale, zeroPoint, 0,
                                    channelScales.baseAddress!, b.isEmpty ? nil : b.baseAddress!, nil, 0,
                                    c.baseAddress! + r.lowerBound * n, n)
                }
            } } } }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [n], storage: out)
    }

    /// Dynamic quantization: each row's [min, max] (widened to include 0) mapped onto 0…127.
    static func rowQuantizations(_ x: [Float], rows: Int, columns: Int) -> [ActivationQuantization] {
        x.withUnsafeBufferPointer { p in
            (0..<rows).map { r in
                let row = UnsafeBufferPointer(rebasing: p[(r * columns)..<((r + 1) * columns)])
                let (low, high) = VectorMath.minimumAndMaximum(row)
                return ActivationQuantization(low: low, high: high)
            }
        }
    }
}
