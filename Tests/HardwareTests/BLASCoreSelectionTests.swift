import Testing
@testable import Hardware

/// The start-up rules, as a function of the environment, the running core and the CPU; the
/// re-executions are followed by hand until the process would stay.
@Suite struct BLASCoreSelectionTests {
    typealias Decision = BLASCoreSelection.Decision
    static let avx512 = OpenBLASCoreTests.cpu(.intel, family: 6, avx2: true, avx512: true)
    static let passes: @Sendable () -> String? = { nil }

    static func decide(_ environment: [String: String], running: String, cpu: CPUFeatures = avx512,
                       check: () -> String? = passes) -> Decision {
        BLASCoreSelection.decide(environment: environment, running: running, cpu: cpu, check: check)
    }

    /// The environment after a re-execution.
    static func applying(_ variables: [String: String?], to environment: [String: String]) -> [String: String] {
        var result = environment
        for (name, value) in variables { result[name] = value }
        return result
    }

    @Test func fallbackIsReplacedAfterTheSelfCheck() {
        let first = Self.decide([:], running: "Prescott")
        #expect(first == .reexecute(["OPENBLAS_CORETYPE": "SkylakeX", "CONDENSER_BLAS_CORE_FROM": "Prescott"]))
        guard case let .reexecute(variables) = first else { return }
        let second = Self.decide(Self.applying(variables, to: [:]), running: "SkylakeX")
        #expect(second == .report(.selected(from: "Prescott", running: "SkylakeX")))
        if case let .report(outcome) = second { #expect(outcome.notice?.contains("running on SkylakeX") == true) }
    }

    @Test func userSettingAndOptOutWin() {
        #expect(Self.decide(["OPENBLAS_CORETYPE": "Prescott"], running: "Prescott")
            == .report(.userSetting(requested: "Prescott", running: "Prescott")))
        #expect(Self.decide(["CONDENSER_BLAS_CORE": "off"], running: "Prescott") == .report(.optedOut(running: "Prescott")))
        #expect(Self.decide(["CONDENSER_BLAS_CORE": "OFF", "OPENBLAS_CORETYPE": "Prescott", "CONDENSER_BLAS_CORE_FROM": "Prescott"],
                            running: "Prescott") == .report(.optedOut(running: "Prescott")))
        // A stray marker without OPENBLAS_CORETYPE is ignored.
        #expect(Self.decide(["CONDENSER_BLAS_CORE_FROM": "Prescott"], running: "SkylakeX")
            == .report(.kept(running: "SkylakeX", best: "SkylakeX")))
    }

    @Test func goodOrBestCoreIsKept() {
        #expect(Self.decide([:], running: "SkylakeX") == .report(.kept(running: "SkylakeX", best: "SkylakeX")))
        #expect(Self.decide([:], running: "Cooperlake") == .report(.kept(running: "Cooperlake", best: "SkylakeX")))
        let sse = OpenBLASCoreTests.cpu(.intel, family: 6)
        #expect(Self.decide([:], running: "Prescott", cpu: sse) == .report(.kept(running: "Prescott", best: nil)))
        if case let .report(outcome) = Self.decide([:], running: "SkylakeX") { #expect(outcome.notice == nil) }
    }

    @Test func forcedFallbackStandsForOpenBLASsChoice() {
        let environment = ["OPENBLAS_CORETYPE": "Prescott", "CONDENSER_BLAS_CORE_FROM": "Prescott"]
        let first = Self.decide(environment, running: "Prescott")
        #expect(first == .reexecute(["OPENBLAS_CORETYPE": "SkylakeX"]))
        guard case let .reexecute(variables) = first else { return }
        #expect(Self.decide(Self.applying(variables, to: environment), running: "SkylakeX")
            == .report(.selected(from: "Prescott", running: "SkylakeX")))
    }

    @Test func failedSelfCheckReturnsToOpenBLASsChoiceOnce() {
        let environment = ["OPENBLAS_CORETYPE": "SkylakeX", "CONDENSER_BLAS_CORE_FROM": "Prescott"]
        let failed = Self.decide(environment, running: "SkylakeX", check: { "sgemm 3×5×7 (NN) gave 1.0 at [0, 0], expected 2.0" })
        #expect(failed == .reexecute(["OPENBLAS_CORETYPE": "Prescott",
                                      "CONDENSER_BLAS_CORE_REJECTED": "SkylakeX: sgemm 3×5×7 (NN) gave 1.0 at [0, 0], expected 2.0"]))
        guard case let .reexecute(variables) = failed else { return }
        let final = Self.decide(Self.applying(variables, to: environment), running: "Prescott")
        #expect(final == .report(.rejected(candidate: "SkylakeX", reason: "sgemm 3×5×7 (NN) gave 1.0 at [0, 0], expected 2.0",
                                            running: "Prescott")))
        if case let .report(outcome) = final { #expect(outcome.notice?.contains("was refused") == true) }
    }

    @Test func coreOpenBLASDoesNotTakeIsRefused() {
        // Asked for SkylakeX, OpenBLAS still runs Prescott: back to its own choice, never a loop.
        let environment = ["OPENBLAS_CORETYPE": "SkylakeX", "CONDENSER_BLAS_CORE_FROM": "Prescott"]
        let decision = Self.decide(environment, running: "Prescott")
        #expect(decision == .reexecute(["OPENBLAS_CORETYPE": "Prescott",
                                        "CONDENSER_BLAS_CORE_REJECTED": "SkylakeX: OpenBLAS ran Prescott when asked for it"]))
        guard case let .reexecute(variables) = decision else { return }
        guard case .report(.rejected) = Self.decide(Self.applying(variables, to: environment), running: "Prescott") else {
            Issue.record("expected a final report")
            return
        }
    }
}
