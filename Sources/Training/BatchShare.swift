import TensorCore

/// Where one replica's rows sit in a data-parallel step's batch, for the loss terms that couple
/// the samples of a batch (contrastive negatives, similarity matrices, means over valid tokens).
/// The trainer weights each replica's gradients by `fraction` (the mean over its rows); a coupled
/// term must be computed over the whole batch to be the one a single process computes.
public struct BatchShare {
    public let replicas: ReplicaGroup
    /// Rows of the batch before this replica's, and rows in the whole batch.
    public let offset: Int, total: Int
    /// This replica's rows over the whole batch's.
    public let fraction: Float

    /// Every replica's `local` rows [b_r, D] stacked into the whole batch's [B, D]: this replica's
    /// rows keep their graph, the others' are constants (summed from zero-padded copies).
    public func gathered(_ local: Tensor) -> Tensor {
        let (rows, width) = (local.shape[0], local.count / max(local.shape[0], 1))
        var others = [Float](repeating: 0, count: total * width)
        others.replaceSubrange((offset * width)..<((offset + rows) * width), with: local.storage)
        replicas.sum(&others)
        for index in (offset * width)..<((offset + rows) * width) { others[index] = 0 }
        let own = offset..<(offset + rows)
        return Tensor.pickingRows(local, sources: (0..<total).map { own.contains($0) ? $0 - offset : nil })
            + Tensor(shape: [total, width], storage: others)
    }

    /// A term every replica computed over the whole batch (`gathered` rows), rescaled so that the
    /// trainer's fraction-weighted sum of gradients is its gradient and its reported value its value.
    public func wholeBatch(_ term: Tensor) -> Tensor {
        let correction = (1 / Float(replicas.size) - 1) * term.item / fraction
        return term * (1 / fraction) + correction
    }

    /// A mean over this replica's `count` items (valid query tokens, say) rescaled into its part
    /// of the mean over the whole batch's items, which the trainer's weighting then sums.
    public func itemMean(_ term: Tensor, count: Int) -> Tensor {
        var counts = [Double(count)]
        replicas.sum(&counts)
        return term * (Float(Double(count) / max(counts[0], 1)) / fraction)
    }
}

extension Tensor {
    /// This mean over `count` items of a replica's rows as its part of the whole batch's mean
    /// (`BatchShare.itemMean`); itself without a share.
    public func scaledToWholeBatch(_ share: BatchShare?, count: Int) -> Tensor {
        share?.itemMean(self, count: count) ?? self
    }
}
