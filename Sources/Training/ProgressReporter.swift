import Foundation

/// Training progress for people: a live one-line bar on a terminal, plain periodic lines
/// otherwise (logs, CI), and one summary line per epoch either way.
public final class ProgressReporter {
    private let interactive: Bool
    private let interval: Double
    private var lastUpdate = 0.0
    private var drawn = false
    /// Prints nothing (the ranks of a data-parallel run other than rank 0, which reports for all).
    private let quiet: Bool

    /// - Parameter interval: seconds between plain lines when standard output is not a terminal.
    public init(interactive: Bool = isatty(STDOUT_FILENO) == 1, interval: Double = 15, quiet: Bool = false) {
        self.interactive = interactive
        self.interval = interval
        self.quiet = quiet
    }

    /// Reports a step; draws at most 5 times a second on a terminal.
    public func step(phase: String, epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double, accuracy: Double,
                     samplesPerSecond: Double, remainingSeconds: Double) {
        let now = Date().timeIntervalSince1970
        guard !quiet, now - lastUpdate >= (interactive ? 0.2 : interval) || step == steps else { return }
        lastUpdate = now
        let fraction = Double(step) / Double(max(steps, 1))
        let status = String(format: "%@ epoch %d/%d  step %d/%d  loss %.4f  acc %5.1f%%  %6.0f samples/s  ETA %@",
                            phase, epoch, epochs, step, steps, loss, 100 * accuracy, samplesPerSecond, Self.duration(remainingSeconds))
        if interactive {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            print("\r\u{1B}[2K\(bar) \(status)", terminator: "")
            fflush(nil)
            drawn = true
        } else {
            print(status)
            fflush(nil)
        }
    }

    /// Prints a line that stays (an epoch summary, a warning), clearing a bar first.
    public func line(_ text: String) {
        guard !quiet else { return }
        if drawn { print("\r\u{1B}[2K", terminator: ""); drawn = false }
        print(text)
        fflush(nil)
    }

    /// "1:05:09" / "4:07".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
