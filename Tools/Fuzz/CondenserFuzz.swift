import ArgumentParser
import Foundation
import FuzzSupport

/// `make fuzz`: feeds mutated checkpoints, datasets, recipes and model configs to every reading
/// command of the built `condenser` and reports each case that broke a promise (see `FuzzCampaign`).
@main
struct CondenserFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "condenser-fuzz", abstract: "Fuzz every command that reads a user's file.")

    @Option(help: "Cases to run.")
    var cases = 10_000
    @Option(help: "Campaign seed; case i of a seed is always the same input and command.")
    var seed: UInt64 = 1
    @Option(help: "First case index (to replay one case: --first i --cases 1).")
    var first = 0
    @Option(help: "Cases run at once.")
    var jobs = 2
    @Option(help: "The condenser executable.")
    var condenser = ".build/release/condenser"
    @Option(help: "Work folder; failing cases are kept in it as case-<i>/.")
    var folder = ".build/fuzz"
    @Option(help: "Seconds before a run counts as hung.")
    var timeout: Double = 30

    func validate() throws {
        guard cases >= 1, jobs >= 1, first >= 0, timeout > 0 else {
            throw ValidationError("--cases, --jobs and --timeout must be positive")
        }
    }

    func run() throws {
        let campaign = FuzzCampaign(condenser: URL(fileURLWithPath: condenser), folder: URL(fileURLWithPath: folder), timeout: timeout)
        try campaign.prepare()
        let started = Date()
        let lock = NSLock()
        nonisolated(unsafe) var outcomes: [FuzzCampaign.Outcome] = []
        nonisolated(unsafe) var errors: [String] = []
        let perJob = (cases + jobs - 1) / jobs
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            for index in (first + job * perJob)..<min(first + (job + 1) * perJob, first + cases) {
                do {
                    let outcome = try campaign.runCase(index, seed: seed)
                    lock.withLock {
                        outcomes.append(outcome)
                        if let failure = outcome.failure {
                            print("FAIL case \(index): \(outcome.mutation) | "
                                  + "condenser \(outcome.arguments.joined(separator: " ")) | \(failure)")
                            print("  " + outcome.standardError.split(separator: "\n").suffix(3).joined(separator: "\n  "))
                        }
                        if outcomes.count % 500 == 0 {
                            print("\(outcomes.count)/\(cases) cases, \(outcomes.filter { $0.failure != nil }.count) failed, "
                                  + String(format: "%.0f s", Date().timeIntervalSince(started)))
                        }
                    }
                } catch {
                    lock.withLock { errors.append("case \(index): \(error)") }
                }
            }
        }
        let failed = outcomes.filter { $0.failure != nil }
        let accepted = outcomes.filter(\.accepted).count
        print("\(outcomes.count) cases (seed \(seed), first \(first)) in \(String(format: "%.0f", Date().timeIntervalSince(started))) s: "
              + "\(failed.count) failed, \(outcomes.count - failed.count - accepted) refused with one clear error, \(accepted) accepted")
        for error in errors { print("could not run \(error)") }
        if !failed.isEmpty || !errors.isEmpty { throw ExitCode(1) }
    }
}
