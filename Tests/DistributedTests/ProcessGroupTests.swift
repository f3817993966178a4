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

    @Test func withoutMPIRunTheToolIsOneRank() throws {
        let result = try ChildProcess.run(Self.tool, [], environment: ["OMPI_COMM_WORLD_SIZE": nil])
        #expect(result.status == 0 && result.standardOutput == "rank 0 of 1: 1.0 0.0 1.0\n",
                "\(result.standardOutput)\(result.standardError)")
    }
}
