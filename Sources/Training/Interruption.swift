import Dispatch
import Foundation
import Synchronization

/// Ctrl-C handling for long jobs: the first SIGINT asks the running loop to stop after its
/// current step and save; a second one ends the process at once.
public enum Interruption {
    private static let requestedFlag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    /// Whether Ctrl-C was pressed since `install()`.
    public static var requested: Bool { requestedFlag.load(ordering: .relaxed) }

    /// Routes SIGINT to `requested` (idempotent).
    public static func install() {
        guard source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let signalSource = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signalSource.setEventHandler {
            if requestedFlag.exchange(true, ordering: .relaxed) { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupt: stopping after this step and saving (Ctrl-C again to quit now)\n".utf8))
        }
        signalSource.resume()
        source = signalSource
    }
}
