import TensorCore

/// Vision-token pruning at inference: rank patches (by the self-attention they receive, or by
/// text-guided scores) and keep the top k of each image, in their original order (see `VisionTokenKeep`).
public enum VisionTokenSelection {
    /// Attention each key patch receives, averaged over heads and queries:
    /// weights [B, H, P, P] → B·P scores (row-major [B, P]).
    public static func receivedAttention(_ weights: Tensor) -> [Float] {
        let (batch, heads, queries, keys) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        var scores = [Float](repeating: 0, count: batch * keys)
        let scale = 1 / Float(heads * queries)
        weights.storage.withUnsafeBufferPointer { w in
            for b in 0..<batch {
                for row in 0..<(heads * queries) {
                    let base = (b * heads * queries + row) * keys
                    for j in 0..<keys { scores[b * keys + j] += w[base + j] }
                }
            }
        }
        return scores.map { $0 * scale }
    }

    /// Indices of the `keep` highest scores of each row of `scores` [B, P], ascending; ties go to
    /// the lower index. → B·keep indices (row-major [B, keep]).
    public static func topIndices(scores: [Float], batch: Int, keep: Int) -> [Int] {
        let patches = scores.count / batch
        precondition(keep >= 1 && keep <= patches, "cannot keep \(keep) of \(patches) patches")
        var kept: [Int] = []
        kept.reserveCapacity(batch * keep)
        for b in 0..<batch {
            let row = scores[(b * patches)..<((b + 1) * patches)]
            let ranked = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            kept += ranked.prefix(keep).map { $0 - b * patches }.sorted()
        }
        return kept
    }

    /// Keeps the `keep` highest-scoring patches of each image, in their original order:
    /// x [B, P, D], scores B·P → [B, keep, D] (differentiable in x).
    public static func select(_ x: Tensor, scores: [Float], keep: Int) -> Tensor {
        let (batch, patches, width) = (x.shape[0], x.shape[1], x.shape[2])
        let kept = topIndices(scores: scores, batch: batch, keep: keep)
        let rows = kept.enumerated().map { Int32(($0.offset / keep) * patches + $0.element) }
        return Tensor.embedding(x.reshaped([batch * patches, width]), ids: rows, idShape: [batch, keep])
    }
}
