import Foundation

/// Elapsed time on the monotonic clock (unaffected by changes of the system time).
public enum WallClock {
    /// Seconds `body` takes.
    public static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
