import CKernels

extension Tensor {
    /// Matrix product of the last two axes, optionally transposing either operand (no copies).
    ///
    /// a: [M, K] (or [K, M] with `transposeA`), b: [K, N] (or [N, K] with `transposeB`) → [M, N].
    /// With rank 3 operands the product is batched: [B, M, K] · [B, K, N] → [B, M, N].
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == b.rank && (a.rank == 2 || a.rank == 3),
                     "matmul needs two rank-2 or two rank-3 tensors, got \(a.shape) and \(b.shape)")
        let batch = a.rank == 3 ? a.shape[0] : 1
        precondition(a.rank == 2 || b.shape[0] == batch, "matmul batch sizes differ: \(a.shape) and \(b.shape)")
        let (aRows, aCols) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bCols) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        let (kb, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
        precondition(k == kb, "matmul inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let (aSize, bSize, cSize) = (aRows * aCols, bRows * bCols, m * n)

        /// C_i = op(X_i) · op(Y_i) + beta · C_i for every batch item.
        func batchedGEMM(_ x: UnsafePointer<Float>, _ xCols: Int, _ xSize: Int, _ tx: Bool,
                         _ y: UnsafePointer<Float>, _ yCols: Int, _ ySize: Int, _ ty: Bool,
                         _ c: UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int, _ inner: Int, _ cStride: Int, beta: Float) {
            for i in 0..<batch {
                BLAS.gemm(transposeA: tx, transposeB: ty, m: rows, n: cols, k: inner,
                          a: x + i * xSize, lda: xCols, b: y + i * ySize, ldb: yCols,
                          beta: beta, c: c + i * cStride, ldc: cols)
            }
        }

        let outShape = (a.rank == 3 ? [batch] : []) + [m, n]
        let out = uninitializedStorage(batch * cSize) { c in
            a.storage.withUnsafeBufferPointer { ap in
                b.storage.withUnsafeBufferPointer { bp in
                    batchedGEMM(ap.baseAddress!, aCols, aSize, transposeA, bp.baseAddress!, bCols, bSize, transposeB,
                                c.baseAddress!, m, n, k, cSize, beta: 0)
                }
            }
        }
        return Tensor(shape: outShape, storage: out, parents: [a, b]) { result in
            result.grad!.withUnsafeBufferPointer { gp in
                let g = gp.baseAddress!
                if a.requiresGrad {
                    // dA = dC·op(B)ᵀ (or its transpose when A was transposed).
                    b.storage.withUnsafeBufferPointer { bp in
                        a.withGradBuffer { da in
                            if transposeA {
                                batchedGEMM(bp.baseAddress!, bCols, bSize, transposeB, g, n, cSize, true,
                                            da, k, m, n, aSize, beta: 1)
                            } else {
                                batchedGEMM(g, n, cSize, false, bp.baseAddress!, bCols, bSize, !transposeB,
                                            da, m, k, n, aSize, beta: 1)
                            }
                        }
                    }
                }
                if b.requiresGrad {
                    // dB = op(A)ᵀ·dC (or its transpose when B was transposed).
                    a.storage.withUnsafeBufferPointer { ap in
                        b.withGradBuffer { db in
                            if transposeB {
                                batchedGEMM(g, n, cSize, true, ap.baseAddress!, aCols, aSize, transposeA,
                                            db, n, k, m, bSize, beta: 1)
                            } else {
                                batchedGEMM(ap.baseAddress!, aCols, aSize, !transposeA, g, n, cSize, false,
                                            db, k, n, m, bSize, beta: 1)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Affine map over the last axis with a PyTorch-layout weight: y = x·Wᵀ + b (+ residual).
    ///
    /// x: [..., in], weight: [out, in], bias: [out], residual: [..., out] → [..., out]. `outputRows`
    /// selects a block of the weight's rows (and bias entries), as `nn.MultiheadAttention` does with
    /// `in_proj_weight`. A residual connection's sum, or an `activation` (not both), is applied to
    /// each block of rows as it is finished, saving a pass over the output.
    ///
    /// The product is `condenser_linear` (CKernels), split by rows across the cores, each output a
    /// chain of fused multiply-adds in input order, the same on every vector path; weights that are
    /// not being trained keep their packing. It runs 15–20% faster than OpenBLAS's sgemm on these
    /// shapes (docs/performance.md).
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, outputRows: Range<Int>? = nil,
                              residual: Tensor? = nil, activation: LinearActivation? = nil) -> Tensor {
        let inFeatures = weight.shape[1]
        let rows = outputRows ?? 0..<weight.shape[0]
        precondition(x.shape.last == inFeatures, "linear input \(x.shape) does not end in the weight's \(inFeatures) inputs")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= weight.shape[0], "linear rows \(rows) outside weight \(weight.shape)")
        let (m, n, k) = (x.count / max(inFeatures, 1), rows.count, inFeatures)
        let weightOffset = rows.lowerBound * k
        let shape = Array(x.shape.dropLast()) + [n]
        precondition(residual == nil || residual!.shape == shape, "linear residual \(residual!.shape) is not the output's \(shape)")
        precondition(residual == nil || activation == nil, "linear takes a residual or an activation, not both")
        let parallel = m * n * k >= BLAS.parallelThreshold
        // A weight that is not being trained keeps its packing: every panel of outputs, from which a
        // block of rows starting on a panel boundary is a slice (the kernel stores only n outputs).
        let keepsPacking = !(GradientMode.isEnabled && weight.requiresGrad) && rows.lowerBound % linearPanel == 0
        let (packed, packedOffset) = keepsPacking ? (weight.linearPacked(), weightOffset)
                                                  : (packLinear(weight, rows: rows, parallel: parallel), 0)
        let parents = [x, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
        // The activation's derivative, kept from the forward pass when a graph is recorded.
        let recording = activation != nil && GradientMode.isEnabled && parents.contains { $0.requiresGrad }
        var derivative = recording ? [Float](repeating: 0, count: m * n) : []
        let out = uninitializedStorage(m * n) { c in
            x.storage.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { whole in
                    let pp = whole.baseAddress! + packedOffset
                    (bias?.storage ?? [0]).withUnsafeBufferPointer { bp in
                        (residual?.storage ?? [0]).withUnsafeBufferPointer { rp in
                            derivative.withUnsafeMutableBufferPointer { dp in
                                let biasRows = bias == nil ? nil : bp.baseAddress! + rows.lowerBound
                                Parallel.forEachRange(m, grain: parallel ? 8 : m) { range in
                                    guard activation != nil else {
                                        return condenser_linear(xp.baseAddress! + range.lowerBound * k, k, range.count, pp, n, k, biasRows,
                                                                residual == nil ? nil : rp.baseAddress! + range.lowerBound * n, n,
                                                                c.baseAddress! + range.lowerBound * n, n, Int32(CONDENSER_VECTOR_BEST))
                                    }
                                    // GELU on blocks of 16 rows, each read back from a scratch block while in cache.
                                    let block = 16
                                    var scratch = [Float](repeating: 0, count: block * n)
                                    for first in stride(from: range.lowerBound, to: range.upperBound, by: block) {
                                        let count = min(block, range.upperBound - first)
                                        condenser_linear(xp.baseAddress! + first * k, k, count, pp, n, k, biasRows, nil, n, &scratch, n,
                                                         Int32(CONDENSER_VECTOR_BEST))
                                        condenser_gelu(scratch, c.baseAddress! + first * n, recording ? dp.baseAddress! + first * n : nil,
                                                       count * n)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, storage: out, parents: parents) { result in
            if let residual, residual.requiresGrad { residual.accumulateGrad(result.grad!) }
            // Through the activation first: dZ = dY ⊙ GELU′(Z).
            let upstream = recording ? zip(result.grad!, derivative).map { $0 * $1 } : result.grad!
            upstream.withUnsafeBufferPointer { gp in
                let g = gp.baseAddress!
                if x.requiresGrad {
                    weight.storage.withUnsafeBufferPointer { wp in
                        x.withWholeGradBuffer { dx, beta in
                            BLAS.gemm(transposeA: false, transposeB: false, m: m, n: k, k: n,
                                      a: g, lda: n, b: wp.baseAddress! + weightOffset, ldb: k, beta: beta, c: dx, ldc: k)
                        }
                    }
                }
                if weight.requiresGrad {
                    x.storage.withUnsafeBufferPointer { xp in
                        weight.withGradBuffer { dw in
                            BLAS.gemm(transposeA: true, transposeB: false, m: n, n: k, k: m,
                                      a: g, lda: n, b: xp.baseAddress!, ldb: k, beta: 1, c: dw + weightOffset, ldc: k)
                        }
                    }
                }
                if let bias, bias.requiresGrad {
                    // db = 1ᵀ·dY, as a product so it runs on all cores.
                    let ones = [Float](repeating: 1, count: m)
                    ones.withUnsafeBufferPointer { onesPointer in
                        bias.withGradBuffer { db in
                            BLAS.gemm(transposeA: false, transposeB: false, m: 1, n: n, k: m, a: onesPointer.baseAddress!, lda: m,
                                      b: g, ldb: n, beta: 1, c: db + rows.lowerBound, ldc: n)
                        }
                    }
                }
            }
        }
    }
}

/// What a linear layer applies to its outputs in the same pass (`Tensor.linear`).
public enum LinearActivation: Sendable {
    /// GELU in its exact form (`Tensor.gelu`).
    case gelu
}

extension Tensor {
    /// This [out, in] weight packed for `condenser_linear`, all rows, reused until `storage` changes.
    func linearPacked() -> [Float] {
        let version = storageVersion
        if let kept = linearPacking.withLock({ $0 }), kept.version == version { return kept.packed }
        let packed = Tensor.packLinear(self, rows: 0..<shape[0], parallel: true)
        linearPacking.withLock { $0 = (version, packed) }
        return packed
    }

    /// Output channels per panel of a packed linear weight.
    static let linearPanel = Int(CONDENSER_LINEAR_PANEL)

    /// Rows `rows` of an [out, in] weight packed for `condenser_linear`; panels of outputs pack
    /// independently, on every core when `parallel`.
    static func packLinear(_ weight: Tensor, rows: Range<Int>, parallel: Bool) -> [Float] {
        let (n, k) = (rows.count, weight.shape[1])
        return uninitializedStorage(condenser_linear_packed_count(n, k)) { pp in
            weight.storage.withUnsafeBufferPointer { wp in
                let panels = (n + linearPanel - 1) / linearPanel
                Parallel.forEachRange(panels, grain: parallel ? 1 : panels) { range in
                    let (first, end) = (range.lowerBound * linearPanel, min(n, range.upperBound * linearPanel))
                    condenser_linear_pack(wp.baseAddress! + (rows.lowerBound + first) * k, end - first, k, pp.baseAddress! + first * k)
                }
            }
        }
    }
}
