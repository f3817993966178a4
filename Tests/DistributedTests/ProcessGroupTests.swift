import Foundation
import Testing
import TestSupport

/// The process group under `mpirun -np 2` (root- and oversubscription-safe flags) and alone: every
/// rank gets the sum over ranks, and without `mpirun` the tool runs as one rank with no MPI call.
@Suite struct ProcessGroupTests {
    static var tool: String { PackagePaths.condenser.deletingLastPathComponent().appendingPathComponent("MPICheck").path }

    @Test func twoRanksAllreduceToTheSumOverRanks() throws {
        let result = try ChildProcess.run("/usr/bin/env", ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", Self.tool])
        #expect(result.status == 0, "\(result.standardError)")
        // rank r contributes [r + 1, 0.5·r] and [r + 1]: sums [3, 0.5] and [3].
        let lines = result.standardOutput.split(separator: "\n").map(String.init).sorted()
        #expect(lines == ["rank 0 of 2: 3.0 0.5 3.0", "rank 1 of 2: 3.0 0.5 3.0"], "\(result.standardOutput)\(result.standardError)")
    }

    /// The trainer over 2 and 3 ranks (uneven shares, and a last batch of one sample) against one
    /// process: the same weights and epoch losses up to the float reordering of the sums, and every
    /// rank holds exactly the same weights.
    @Test(arguments: [2, 3]) func dataParallelTrainingMatchesOneProcess(ranks: Int) throws {
        func numbers(_ result: ChildProcess.Result) -> [[Double]] {
            result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("rank ") }.map { line in
                line.split(separator: ":")[1].split(separator: " ").map { Double($0)! }
            }
        }
        let alone = numbers(try ChildProcess.run(Self.tool, ["train"], environment: ["OMPI_COMM_WORLD_SIZE": nil]))
        let result = try ChildProcess.run("/usr/bin/env", ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)",
                                                          Self.tool, "train"])
        let replicas = numbers(result)
        #expect(alone.count == 1 && alone[0].count == 15 && replicas.count == ranks, "\(result.standardOutput)\(result.standardError)")
        guard let reference = alone.first, replicas.count == ranks else { return }
        for replica in replicas {
            #expect(replica == replicas[0], "ranks disagree")
            #expect(zip(replica, reference).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(replica) against \(reference)")
        }
        #expect(reference[12] > reference[14], "the epoch losses should fall, so training happened")
    }

    @Test func withoutMPIRunTheToolIsOneRank() throws {
        let result = try ChildProcess.run(Self.tool, [], environment: ["OMPI_COMM_WORLD_SIZE": nil])
        #expect(result.status == 0 && result.standardOutput == "rank 0 of 1: 1.0 0.0 1.0\n",
                "\(result.standardOutput)\(result.standardError)")
    }
}
