import Checkpoint
import Foundation
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

    /// Whether `flag` holds on any replica; every replica gets the same answer, so all take the same branch.
    public func any(_ flag: Bool) -> Bool {
        var votes = [flag ? 1.0 : 0.0]
        sum(&votes)
        return votes[0] > 0
    }

    /// Runs `write` on rank 0 alone (the one replica that writes files) and tells every replica
    /// whether it worked: rank 0 rethrows its error, the others throw `failedOnRankZero`, so none
    /// waits in a collective for a rank that has stopped.
    public func onRankZero<Failure: Error>(_ write: () throws(Failure) -> Void,
                                           failedOnRankZero: @autoclosure () -> Failure) throws(Failure) {
        var failure: Failure?
        if rank == 0 {
            do { try write() } catch { failure = error }
        }
        let failed = any(failure != nil)
        if let failure { throw failure }
        if failed { throw failedOnRankZero() }
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

/// Writes `file` with `write`: here when there are no `replicas`, else on rank 0 alone with every
/// replica told whether it worked (the others throw `.cannotWrite` naming the file).
public func writeOnRankZero(_ file: URL, replicas: ReplicaGroup?, _ write: () throws(CheckpointError) -> Void) throws(CheckpointError) {
    guard let replicas else { return try write() }
    try replicas.onRankZero(write, failedOnRankZero: .cannotWrite(file: file.path, reason: "rank 0, which alone writes files, could not"))
}
