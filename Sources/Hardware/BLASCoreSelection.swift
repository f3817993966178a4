import Foundation

/// Runs OpenBLAS on the best core the CPU supports when OpenBLAS itself chose a weaker one.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` only while it loads, so the process executes itself again
/// with the variable set. The rules, in order:
/// - `CONDENSER_BLAS_CORE=off` turns the selection off.
/// - A user's `OPENBLAS_CORETYPE` always wins (some environments set it on purpose).
/// - When OpenBLAS's core is of a weaker vector class than `OpenBLASCore.best(for:)`, the process
///   re-executes on the better core, marked by `CONDENSER_BLAS_CORE_FROM` (OpenBLAS's own choice),
///   which also tells the new process that `OPENBLAS_CORETYPE` is Condenser's, not the user's.
/// - The new process proves the core with `SGEMMSelfCheck`; when it fails, or OpenBLAS did not
///   take the name, the process re-executes once more on OpenBLAS's own choice, with
///   `CONDENSER_BLAS_CORE_REJECTED` saying why, and never selects again.
///
/// Starting with `OPENBLAS_CORETYPE=Prescott CONDENSER_BLAS_CORE_FROM=Prescott` makes Prescott
/// stand for OpenBLAS's own choice: how the tests (and a curious user) see a fallback happen on a
/// CPU that OpenBLAS knows.
public enum BLASCoreSelection {
    public static let switchVariable = "CONDENSER_BLAS_CORE"
    static let fromVariable = "CONDENSER_BLAS_CORE_FROM"
    static let rejectedVariable = "CONDENSER_BLAS_CORE_REJECTED"
    static let coreVariable = "OPENBLAS_CORETYPE"

    /// What the selection found or did.
    public enum Outcome: Equatable, Sendable {
        /// `CONDENSER_BLAS_CORE=off`.
        case optedOut(running: String)
        /// The user's `OPENBLAS_CORETYPE` (OpenBLAS may have mapped it to another name).
        case userSetting(requested: String, running: String)
        /// OpenBLAS's choice stands: it is already as good as the CPU allows, or nothing better is known.
        case kept(running: String, best: String?)
        /// Running on `running` instead of OpenBLAS's own `from`, after the self-check passed.
        case selected(from: String, running: String)
        /// `candidate` was tried and refused; running on OpenBLAS's own choice.
        case rejected(candidate: String, reason: String, running: String)

        /// One line for the debug log.
        public var description: String {
            switch self {
            case let .optedOut(running): "BLAS core: \(running) (selection off: \(switchVariable)=off)"
            case let .userSetting(requested, running): "BLAS core: \(running) (\(coreVariable)=\(requested) set by the user)"
            case let .kept(running, best): "BLAS core: \(running), OpenBLAS's own choice (best for this CPU: \(best ?? "none beyond SSE"))"
            case let .selected(from, running): "BLAS core: \(running) instead of OpenBLAS's own choice \(from); sgemm self-check passed"
            case let .rejected(candidate, reason, running):
                "BLAS core: \(running), OpenBLAS's own choice; \(candidate) was refused: \(reason)"
            }
        }

        /// The one-line notice printed when the selection changed something, or tried and failed.
        public var notice: String? {
            switch self {
            case let .selected(from, running):
                "OpenBLAS chose its \(from) kernels, which do not use all of this CPU's vector instructions; running on \(running) "
                    + "(sgemm self-check passed; \(switchVariable)=off keeps OpenBLAS's choice)"
            case let .rejected(candidate, reason, running):
                "OpenBLAS runs on its slower \(running) kernels: \(candidate) would suit this CPU but was refused (\(reason))"
            default: nil
            }
        }
    }

    /// What to do at start-up.
    enum Decision: Equatable {
        case report(Outcome)
        /// Execute again with these variables set (nil: unset).
        case reexecute([String: String?])
    }

    /// The rules above as a function of the environment, OpenBLAS's running core and the CPU.
    static func decide(environment: [String: String], running: String, cpu: CPUFeatures, check: () -> String?) -> Decision {
        if environment[switchVariable]?.lowercased() == "off" { return .report(.optedOut(running: running)) }
        let requested = environment[coreVariable]
        let from = requested == nil ? nil : environment[fromVariable]  // a stray marker without the core is ignored
        if let requested, from == nil {
            return .report(.userSetting(requested: requested, running: running))
        }
        let best = OpenBLASCore.best(for: cpu)
        guard let from else {
            guard let best, OpenBLASCore.tier(of: running) < OpenBLASCore.tier(of: best) else {
                return .report(.kept(running: running, best: best))
            }
            return .reexecute([coreVariable: best, fromVariable: running])
        }
        if let rejected = environment[rejectedVariable] {
            let (candidate, reason) = rejected.split(separator: ":", maxSplits: 1).map(String.init).pair
            return .report(.rejected(candidate: candidate, reason: reason, running: running))
        }
        guard let best, OpenBLASCore.tier(of: running) < OpenBLASCore.tier(of: best) else {
            // Running on the core that was asked for (or as good): prove it.
            if let failure = check() {
                return .reexecute([coreVariable: from, rejectedVariable: "\(running): \(failure)"])
            }
            return .report(.selected(from: from, running: running))
        }
        if requested?.lowercased() == from.lowercased() {
            return .reexecute([coreVariable: best])  // a fallback stood in for by `OPENBLAS_CORETYPE`: select now
        }
        return .reexecute([coreVariable: from, rejectedVariable: "\(best): OpenBLAS ran \(running) when asked for it"])
    }

    /// The outcome of `applyAtStartup()` in this process, nil before (or without) it.
    nonisolated(unsafe) public private(set) static var startupOutcome: Outcome?

    /// Applies the rules to this process: returns the outcome (also kept as `startupOutcome`), or
    /// does not return because the process executed itself again. Call first thing in `main`,
    /// before any other thread starts.
    @discardableResult
    public static func applyAtStartup() -> Outcome {
        let outcome = selectOrReexecute()
        startupOutcome = outcome
        return outcome
    }

    private static func selectOrReexecute() -> Outcome {
        var environment: [String: String] = [:]
        for name in [switchVariable, fromVariable, rejectedVariable, coreVariable] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        switch decide(environment: environment, running: OpenBLASCore.current, cpu: .current, check: SGEMMSelfCheck.run) {
        case let .report(outcome):
            return outcome
        case let .reexecute(variables):
            for (name, value) in variables {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // Only reached when the executable could not be run again: stay on OpenBLAS's own choice.
            return .rejected(candidate: variables[coreVariable].flatMap { $0 } ?? "?",
                             reason: "could not execute /proc/self/exe again (errno \(errno))", running: OpenBLASCore.current)
        }
    }
}

private extension Array where Element == String {
    /// The first two elements, the second empty when missing.
    var pair: (String, String) { (first ?? "", count > 1 ? self[1].trimmingCharacters(in: .whitespaces) : "") }
}
