import Foundation

/// Elapsed time on the monotonic clock (unaffected by changes of the system time).
public enum WallClock {
    /// Seconds `body` takes.
    public static func seconds(_ body: () -> Void) -> Double {
        let start = now()
        body()
        return now() - start
    }

    /// Seconds since an arbitrary start, for intervals between events.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
