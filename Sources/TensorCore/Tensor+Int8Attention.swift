import CKernels

extension Tensor {
    /// `attention` for int8 inference (records no gradient): per (batch, head), Q·Kᵀ and P·V run as
    /// exact integer products of codes quantized on the fly (`condenser_int8_attention`), the softmax
    /// between them in float32 with a short exponential. Same arguments and shapes as `attention`:
    /// weights [B, H, Tq, Tk] (empty, shape [0], inside `withoutAttentionWeights`), context [B, Tq, width].
    public static func int8Attention(query: Tensor, queryOffset: Int, key: Tensor, keyOffset: Int, value: Tensor, valueOffset: Int,
                                     width: Int, heads: Int, keyMask: [Bool]? = nil) -> (weights: Tensor, context: Tensor) {
        precondition(query.rank == 3 && key.rank == 3 && value.rank == 3 && query.shape[0] == key.shape[0]
                     && value.shape[0] == key.shape[0] && value.shape[1] == key.shape[1],
                     "int8 attention needs [B, T, C] query, key and value, got \(query.shape), \(key.shape) and \(value.shape)")
        precondition(width % heads == 0, "attention width \(width) is not divisible by \(heads) heads")
        let (batch, tq, cq) = (query.shape[0], query.shape[1], query.shape[2])
        let (tk, ck, cv) = (key.shape[1], key.shape[2], value.shape[2])
        precondition(queryOffset + width <= cq && keyOffset + width <= ck && valueOffset + width <= cv,
                     "attention blocks exceed feature widths")
        precondition(keyMask == nil || keyMask!.count == batch * tk, "key mask needs \(batch * tk) flags")
        let headDim = width / heads
        let scale = 1 / Float(headDim).squareRoot()
        let tile = tq * tk
        let keep = keyMask.map { $0.map { UInt8($0 ? 1 : 0) } } ?? []
        let scratchBytes = condenser_int8_attention_scratch(tq, tk, headDim)

        let recorded = AttentionWeights.areRecorded
        var context: [Float] = []
        let weights = uninitializedStorage(recorded ? batch * heads * tile : 0) { w in
            context = uninitializedStorage(batch * tq * width) { c in
                query.storage.withUnsafeBufferPointer { qp in
                key.storage.withUnsafeBufferPointer { kp in
                value.storage.withUnsafeBufferPointer { vp in
                keep.withUnsafeBufferPointer { flags in
                    Parallel.forEachRange(batch * heads, grain: 2) { range in
                        let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
                        defer { scratch.deallocate() }
                        for task in range {
                            let (b, h) = task.quotientAndRemainder(dividingBy: heads)
                            condenser_int8_attention(qp.baseAddress! + b * tq * cq + queryOffset + h * headDim, cq, tq,
                                                     kp.baseAddress! + b * tk * ck + keyOffset + h * headDim, ck,
                                                     vp.baseAddress! + b * tk * cv + valueOffset + h * headDim, cv, tk, headDim,
                                                     scale, flags.isEmpty ? nil : flags.baseAddress! + b * tk,
                                                     w.isEmpty ? nil : w.baseAddress! + task * tile,
                                                     c.baseAddress! + b * tq * width + h * headDim, width, scratch, 0)
                        }
                    }
                }
                }
                }
                }
            }
        }
        return (Tensor(shape: recorded ? [batch, heads, tq, tk] : [0], storage: weights),
                Tensor(shape: [batch, tq, width], storage: context))
    }
}
