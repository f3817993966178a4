import ArgumentParser
import Foundation
import Logging
import TensorCore

/// Options shared by every command that runs a model.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Worker threads for GEMMs and parallel loops (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// Applies the thread count, warning when it exceeds the cores.
    func apply(logger: Logger) {
        if let warning = Parallel.oversubscription("--threads", threads: threads) { logger.warning("\(warning)") }
        Parallel.threadCount = threads
    }
}

/// Options of commands that read a dataset in batches.
struct DataOptions: ParsableArguments {
    @Option(help: "Dataset file (HDF5: /images, /tokens, optional /labels).")
    var data: String

    @Option(help: "Samples per forward pass.")
    var batchSize: Int = 64

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }
}
