import TensorCore

/// The processes of a data-parallel run, as the trainer needs them: each holds the whole model,
/// takes its share of every batch, and sums with the others (`Distributed.ProcessGroup` over MPI).
public protocol ReplicaGroup: AnyObject {
    /// This process's index, 0..<size.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `values` with their element-wise sum over every replica; all call it with the same count.
    func sum(_ values: inout [Float])
    func sum(_ values: inout [Double])
}

extension ReplicaGroup {
    /// This replica's share of a batch: a contiguous slice, the first `count % size` replicas one larger.
    public func share<Element>(of batch: [Element]) -> ArraySlice<Element> {
        let (base, extra) = batch.count.quotientAndRemainder(dividingBy: size)
        let start = rank * base + min(rank, extra)
        return batch[start..<(start + base + (rank < extra ? 1 : 0))]
    }

    /// Turns each replica's gradients of the mean loss over its share (`fraction` of the batch) into
    /// the gradients of the mean over the whole batch: Σ_r fraction_r · g_r, the same on every replica.
    /// A parameter no replica has a gradient for keeps none; one that some lack gets zeros from those.
    func combineGradients(of parameters: [Tensor], fraction: Float) {
        var present = parameters.map { $0.grad == nil ? 0.0 : 1.0 }
        sum(&present)
        let reached = parameters.indices.filter { present[$0] > 0 }
        var flat = [Float]()
        flat.reserveCapacity(reached.reduce(0) { $0 + parameters[$1].count })
        for index in reached {
            flat += (parameters[index].grad ?? [Float](repeating: 0, count: parameters[index].count)).map { $0 * fraction }
        }
        sum(&flat)
        var offset = 0
        for index in reached {
            parameters[index].grad = Array(flat[offset..<(offset + parameters[index].count)])
            offset += parameters[index].count
        }
    }
}
