import CKernels
import Foundation

/// Multi-head scaled dot-product attention as two differentiable ops, so that the attention
/// weights are an ordinary tensor (distillation and pruning read them and back-propagate into them).
///
/// Query, key and value are blocks of `width` = H·hd features inside [B, T, C] tensors: self-attention
/// reads all three from one packed [B, T, 3D] projection, cross-attention reads queries from one
/// tensor and keys and values from another, with no copies. Head h uses features h·hd ..< (h+1)·hd
/// of its block.
extension Tensor {
    /// softmax(Q·Kᵀ / √hd) per head, with masked keys given zero weight.
    ///
    /// query: [B, Tq, Cq] (block at `queryOffset`), key: [B, Tk, Ck] (block at `keyOffset`),
    /// keyMask: B·Tk flags, true = attend (nil = all) → weights [B, H, Tq, Tk].
    public static func attentionWeights(query: Tensor, queryOffset: Int, key: Tensor, keyOffset: Int,
                                        width: Int, heads: Int, keyMask: [Bool]? = nil) -> Tensor {
        weightsAndContext(query: query, queryOffset: queryOffset, key: key, keyOffset: keyOffset, value: nil, valueOffset: 0,
                          width: width, heads: heads, keyMask: keyMask).weights
    }

    /// `attentionWeights` then `attentionContext` in one parallel pass: each (batch, head) forms its
    /// context while its weights are in cache. The same values and gradients as the two ops.
    ///
    /// value: [B, Tk, Cv] (block of `width` at `valueOffset`) → weights [B, H, Tq, Tk], context [B, Tq, width].
    /// Without gradients inside `withoutAttentionWeights`, the weights are left out (shape [0]).
    public static func attention(query: Tensor, queryOffset: Int, key: Tensor, keyOffset: Int, value: Tensor, valueOffset: Int,
                                 width: Int, heads: Int, keyMask: [Bool]? = nil) -> (weights: Tensor, context: Tensor) {
        precondition(value.rank == 3 && value.shape[0] == key.shape[0] && value.shape[1] == key.shape[1]
                     && valueOffset + width <= value.shape[2], "attention values \(value.shape) do not fit keys \(key.shape)")
        let (weights, context) = weightsAndContext(query: query, queryOffset: queryOffset, key: key, keyOffset: keyOffset,
                                                   value: value, valueOffset: valueOffset, width: width, heads: heads, keyMask: keyMask)
        let result = Tensor(shape: [query.shape[0], query.shape[1], width], storage: context, parents: [weights, value]) { result in
            backpropagateContext(result, weights: weights, value: value, valueOffset: valueOffset, width: width)
        }
        return (weights, result)
    }

    /// The weights tensor and, given a value tensor, the context's storage.
    private static func weightsAndContext(query: Tensor, queryOffset: Int, key: Tensor, keyOffset: Int, value: Tensor?, valueOffset: Int,
                                          width: Int, heads: Int, keyMask: [Bool]?) -> (weights: Tensor, context: [Float]) {
        precondition(query.rank == 3 && key.rank == 3 && query.shape[0] == key.shape[0],
                     "attention needs [B, T, C] query and key, got \(query.shape) and \(key.shape)")
        precondition(width % heads == 0, "attention width \(width) is not divisible by \(heads) heads")
        let (batch, tq, cq) = (query.shape[0], query.shape[1], query.shape[2])
        let (tk, ck) = (key.shape[1], key.shape[2])
        precondition(queryOffset + width <= cq && keyOffset + width <= ck, "attention blocks exceed feature widths")
        precondition(keyMask == nil || keyMask!.count == batch * tk, "key mask needs \(batch * tk) flags")
        let headDim = width / heads
        let scale = 1 / Float(headDim).squareRoot()
        let tile = tq * tk

        let cv = value?.shape[2] ?? 0
        // Inference that reads only the context keeps each head's weights in a scratch tile.
        let kept = value == nil || AttentionWeights.areRecorded || GradientMode.isEnabled
        var context: [Float] = []
        let out = uninitializedStorage(kept ? batch * heads * tile : 0) { o in
            context = uninitializedStorage(value == nil ? 0 : batch * tq * width) { c in
                query.storage.withUnsafeBufferPointer { qp in
                    key.storage.withUnsafeBufferPointer { kp in
                        (value?.storage ?? [0]).withUnsafeBufferPointer { vp in
                            Parallel.forEachRange(batch * heads, grain: 2) { range in
                                let scratch = kept ? nil : UnsafeMutablePointer<Float>.allocate(capacity: tile)
                                defer { scratch?.deallocate() }
                                for task in range {
                                    let (b, h) = task.quotientAndRemainder(dividingBy: heads)
                                    let scores = scratch ?? o.baseAddress! + task * tile
                                    BLAS.serialGEMM(transposeA: false, transposeB: true, m: tq, n: tk, k: headDim, alpha: scale,
                                              a: qp.baseAddress! + b * tq * cq + queryOffset + h * headDim, lda: cq,
                                              b: kp.baseAddress! + b * tk * ck + keyOffset + h * headDim, ldb: ck,
                                              beta: 0, c: scores, ldc: tk)
                                    if let keyMask {
                                        for j in 0..<tk where !keyMask[b * tk + j] {
                                            for i in 0..<tq { scores[i * tk + j] = -.infinity }
                                        }
                                    }
                                    condenser_softmax_rows(scores, scores, tq, tk, 0)
                                    guard value != nil else { continue }
                                    BLAS.serialGEMM(transposeA: false, transposeB: false, m: tq, n: headDim, k: tk,
                                              a: scores, lda: tk, b: vp.baseAddress! + b * tk * cv + valueOffset + h * headDim, ldb: cv,
                                              beta: 0, c: c.baseAddress! + b * tq * width + h * headDim, ldc: width)
                                }
                            }
                        }
                    }
                }
            }
        }
        let weights = Tensor(shape: kept ? [batch, heads, tq, tk] : [0], storage: out, parents: [query, key]) { result in
            // dS = P ⊙ (dP − rowsum(dP ⊙ P)); dQ += scale·dS·K; dK += scale·dSᵀ·Q.
            let (pp, gp) = (result.storage, result.grad!)
            query.withGradBufferIfNeeded { dq in
                key.withGradBufferIfNeeded(sharing: query, dq) { dk in
                    query.storage.withUnsafeBufferPointer { qp in
                        key.storage.withUnsafeBufferPointer { kp in
                            Parallel.forEachRange(batch * heads, grain: 2) { range in
                                var dS = [Float](repeating: 0, count: tile)
                                for task in range {
                                    let (b, h) = task.quotientAndRemainder(dividingBy: heads)
                                    for i in 0..<tq {
                                        let row = task * tile + i * tk
                                        var dot: Float = 0
                                        for j in 0..<tk { dot += gp[row + j] * pp[row + j] }
                                        for j in 0..<tk { dS[i * tk + j] = pp[row + j] * (gp[row + j] - dot) }
                                    }
                                    let qBlock = b * tq * cq + queryOffset + h * headDim
                                    let kBlock = b * tk * ck + keyOffset + h * headDim
                                    dS.withUnsafeBufferPointer { ds in
                                        if let dq {
                                            BLAS.serialGEMM(transposeA: false, transposeB: false, m: tq, n: headDim, k: tk, alpha: scale,
                                                      a: ds.baseAddress!, lda: tk, b: kp.baseAddress! + kBlock, ldb: ck,
                                                      beta: 1, c: dq + qBlock, ldc: cq)
                                        }
                                        if let dk {
                                            BLAS.serialGEMM(transposeA: true, transposeB: false, m: tk, n: headDim, k: tq, alpha: scale,
                                                      a: ds.baseAddress!, lda: tk, b: qp.baseAddress! + qBlock, ldb: cq,
                                                      beta: 1, c: dk + kBlock, ldc: ck)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (weights, context)
    }

    /// Each head's weighted sum of values, heads concatenated along features.
    ///
    /// weights: [B, H, Tq, Tk], value: [B, Tk, Cv] (block of `width` at `valueOffset`) → [B, Tq, width].
    public static func attentionContext(weights: Tensor, value: Tensor, valueOffset: Int, width: Int) -> Tensor {
        precondition(weights.rank == 4 && value.rank == 3 && weights.shape[0] == value.shape[0] && weights.shape[3] == value.shape[1],
                     "attention weights \(weights.shape) do not fit values \(value.shape)")
        let (batch, heads, tq, tk) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        let cv = value.shape[2]
        precondition(width % heads == 0 && valueOffset + width <= cv, "value block does not fit \(heads) heads")
        let headDim = width / heads
        let tile = tq * tk
        let out = uninitializedStorage(batch * tq * width) { o in
            weights.storage.withUnsafeBufferPointer { pp in
                value.storage.withUnsafeBufferPointer { vp in
                    Parallel.forEachRange(batch * heads, grain: 2) { range in
                        for task in range {
                            let (b, h) = task.quotientAndRemainder(dividingBy: heads)
                            BLAS.serialGEMM(transposeA: false, transposeB: false, m: tq, n: headDim, k: tk,
                                      a: pp.baseAddress! + task * tile, lda: tk,
                                      b: vp.baseAddress! + b * tk * cv + valueOffset + h * headDim, ldb: cv,
                                      beta: 0, c: o.baseAddress! + b * tq * width + h * headDim, ldc: width)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, tq, width], storage: out, parents: [weights, value]) { result in
            backpropagateContext(result, weights: weights, value: value, valueOffset: valueOffset, width: width)
        }
    }

    /// dP += dO·Vᵀ; dV += Pᵀ·dO (per head), for a context [B, Tq, width] of `weights` and `value`.
    private static func backpropagateContext(_ result: Tensor, weights: Tensor, value: Tensor, valueOffset: Int, width: Int) {
        let (batch, heads, tq, tk) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        let cv = value.shape[2]
        let headDim = width / heads
        let tile = tq * tk
        result.grad!.withUnsafeBufferPointer { gp in
            weights.storage.withUnsafeBufferPointer { pp in
                value.storage.withUnsafeBufferPointer { vp in
                    weights.withGradBufferIfNeeded { dp in
                        value.withGradBufferIfNeeded { dv in
                            Parallel.forEachRange(batch * heads, grain: 2) { range in
                                for task in range {
                                    let (b, h) = task.quotientAndRemainder(dividingBy: heads)
                                    let outBlock = b * tq * width + h * headDim
                                    let valueBlock = b * tk * cv + valueOffset + h * headDim
                                    if let dp {
                                        BLAS.serialGEMM(transposeA: false, transposeB: true, m: tq, n: tk, k: headDim,
                                                  a: gp.baseAddress! + outBlock, lda: width, b: vp.baseAddress! + valueBlock, ldb: cv,
                                                  beta: 1, c: dp + task * tile, ldc: tk)
                                    }
                                    if let dv {
                                        BLAS.serialGEMM(transposeA: true, transposeB: false, m: tk, n: headDim, k: tq,
                                                  a: pp.baseAddress! + task * tile, lda: tk, b: gp.baseAddress! + outBlock, ldb: width,
                                                  beta: 1, c: dv + valueBlock, ldc: cv)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Multiplies each head's features by its gate: x [.., H·hd], gates [H] → [.., H·hd].
    /// With all gates 1 this is the identity; d(loss)/d(gate) is the head-importance signal.
    public static func scaleHeads(_ x: Tensor, gates: Tensor) -> Tensor {
        let heads = gates.count
        let width = x.shape.last ?? 0
        precondition(heads > 0 && width % heads == 0, "\(heads) head gates do not divide features \(width)")
        let headDim = width / heads
        let rows = x.count / max(width, 1)
        var out = x.storage
        for row in 0..<rows {
            for h in 0..<heads {
                let gate = gates.storage[h]
                for j in 0..<headDim { out[row * width + h * headDim + j] *= gate }
            }
        }
        return Tensor(shape: x.shape, storage: out, parents: [x, gates]) { result in
            let g = result.grad!
            if x.requiresGrad {
                var delta = g
                for row in 0..<rows {
                    for h in 0..<heads { for j in 0..<headDim { delta[row * width + h * headDim + j] *= gates.storage[h] } }
                }
                x.accumulateGrad(delta)
            }
            if gates.requiresGrad {
                var delta = [Float](repeating: 0, count: heads)
                for row in 0..<rows {
                    for h in 0..<heads {
                        for j in 0..<headDim { let i = row * width + h * headDim + j; delta[h] += g[i] * x.storage[i] }
                    }
                }
                gates.accumulateGrad(delta)
            }
        }
    }
}

extension Tensor {
    /// Like `withGradBufferIfNeeded`, but reuses `otherBuffer` when this tensor is `other`
    /// (self-attention's query and key are one packed tensor; its buffer must not be borrowed twice).
    func withGradBufferIfNeeded(sharing other: Tensor, _ otherBuffer: UnsafeMutablePointer<Float>?,
                                _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        if other === self { body(otherBuffer) } else { withGradBufferIfNeeded(body) }
    }
}

/// Whether attention ops write their weights where they can leave them out (inference).
enum AttentionWeights {
    @TaskLocal static var areRecorded = true
}

extension Tensor {
    /// Runs `body` with attention weights left out where an op can skip them (`int8Attention`, and
    /// `attention` without gradients, return an empty weights tensor): for inference that reads
    /// only the outputs.
    public static func withoutAttentionWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        try AttentionWeights.$areRecorded.withValue(false) { try body() }
    }

    /// Runs `body` with attention weights written, inside `withoutAttentionWeights` too (for a
    /// step that reads them, such as attention-scored token selection).
    public static func withAttentionWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        try AttentionWeights.$areRecorded.withValue(true) { try body() }
    }
}
