import Distributed

/// `mpirun -np N MPICheck`: each rank contributes [rank + 1, 0.5·rank] and prints what the
/// allreduce gave it, so a test can check every rank got Σ over ranks. Without mpirun: one rank.
@main struct MPICheck {
    static func main() {
        let group = ProcessGroup.world
        var floats: [Float] = [Float(group.rank + 1), 0.5 * Float(group.rank)]
        var doubles: [Double] = [Double(group.rank + 1)]
        group.sum(&floats)
        group.sum(&doubles)
        print("rank \(group.rank) of \(group.size): \(floats[0]) \(floats[1]) \(doubles[0])")
    }
}
