import CMPI
import Foundation
import Training

/// What a rank prints when mpirun terminates it, written from the signal handler (so made beforehand).
nonisolated(unsafe) private var terminationNotice = UnsafeBufferPointer<CChar>(start: nil, count: 0)

/// The processes of a data-parallel run: the ranks `mpirun` launched (OpenMPI's `MPI_COMM_WORLD`),
/// or this process alone. Without `mpirun` no MPI call is made, so the binary needs no launcher.
public final class ProcessGroup: ReplicaGroup, @unchecked Sendable {
    /// This process's index, 0..<size; rank 0 alone writes files.
    public let rank: Int
    public let size: Int
    private let usesMPI: Bool

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
    }

    /// Whether an MPI launcher started this process: OpenMPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`
    /// in every rank's environment, Slurm's `srun --mpi=pmix` sets `PMIX_RANK`.
    public static var isLaunchedByMPI: Bool { environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil }

    /// How many ranks were launched, read from the environment without starting MPI (1 without a launcher).
    public static var launchedSize: Int {
        guard isLaunchedByMPI else { return 1 }
        return (environment["OMPI_COMM_WORLD_SIZE"] ?? environment["SLURM_STEP_NUM_TASKS"]).flatMap { Int($0) } ?? 1
    }

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The group of every rank of the launch; MPI is initialised on first use and finalised at exit.
    public static let world: ProcessGroup = {
        guard isLaunchedByMPI else { return ProcessGroup(rank: 0, size: 1, usesMPI: false) }
        MPI_Init(nil, nil)
        atexit { MPI_Finalize() }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(condenser_mpi_comm_world(), &rank)
        MPI_Comm_size(condenser_mpi_comm_world(), &size)
        announceTermination(rank: Int(rank), size: Int(size))
        return ProcessGroup(rank: Int(rank), size: Int(size), usesMPI: true)
    }()

    /// When a rank dies, mpirun ends the others with SIGTERM; each then says so in one line instead
    /// of vanishing. States are written atomically, so the last saved one is intact.
    private static func announceTermination(rank: Int, size: Int) {
        let text = "condenser: rank \(rank) of \(size) stopped: mpirun ended the job (Ctrl-C, or another rank ended; mpirun "
            + "names it). The state saved at the last epoch end is intact: run the same command with --resume to continue\n"
        terminationNotice = UnsafeBufferPointer(start: strdup(text), count: text.utf8.count)
        signal(SIGTERM) { _ in
            _ = write(STDERR_FILENO, terminationNotice.baseAddress, terminationNotice.count)
            _exit(143)
        }
    }

    /// Ends this process with `code` after an error. Alone it simply exits. Under `mpirun` it exits
    /// through `MPI_Finalize`, which returns once every rank has ended; a rank that is still waiting in
    /// a step for this one would never end, so after `grace` seconds the whole job is aborted instead.
    public func exit(code: Int32, grace: Double = 20) -> Never {
        if usesMPI {
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: grace)
                MPI_Abort(condenser_mpi_comm_world(), code)
            }
        }
        Foundation.exit(code)
    }

    /// Replaces `values` with their element-wise sum over every rank (`MPI_Allreduce`); every rank
    /// must call it with the same count. A group of one leaves them as they are.
    public func sum(_ values: inout [Float]) { allreduce(&values, type: condenser_mpi_float()) }

    public func sum(_ values: inout [Double]) { allreduce(&values, type: condenser_mpi_double()) }

    private func allreduce<Element>(_ values: inout [Element], type: MPI_Datatype) {
        guard usesMPI, !values.isEmpty else { return }
        values.withUnsafeMutableBytes { buffer in
            _ = MPI_Allreduce(condenser_mpi_in_place(), buffer.baseAddress, Int32(buffer.count / MemoryLayout<Element>.stride), type,
                              condenser_mpi_sum(), condenser_mpi_comm_world())
        }
    }
}
