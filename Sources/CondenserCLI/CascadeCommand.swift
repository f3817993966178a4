import ArgumentParser
import Checkpoint
import Deployment
import Foundation
import Logging
import Models

/// `condenser cascade`: a student that answers everything and a teacher for what it is unsure of,
/// calibrated on held-out data and written as `cascade.json`.
struct CascadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Build a student → teacher cascade: calibrate when to ask the teacher, write cascade.json.",
        discussion: """
            The student answers every sample; a sample whose signal falls below the threshold goes to the teacher. \
            The threshold is the smallest teacher share whose accuracy on --data stays at least --retain × the \
            teacher's there. Calibrate on held-out data, never on the test set; pass the test set as --test to \
            measure accuracy, teacher share and latency (docs/deployment.md).
            """)

    @Argument(help: "Student checkpoint (.h5): answers every sample.")
    var student: String
    @Argument(help: "Teacher checkpoint (.h5): answers the samples the student is unsure of.")
    var teacher: String
    @Option(help: "Labelled held-out calibration data (.h5), not the test set.")
    var data: String
    @Option(help: "Keep at least this fraction of the teacher's accuracy on the calibration data, in (0, 1].")
    var retain = 0.99
    @Option(help: """
        The signal: \(CascadeSignal.allCases.map(\.rawValue).joined(separator: ", ")), or auto (the one needing \
        the smallest teacher share on the calibration data).
        """)
    var signal = "auto"
    @Option(help: "Labelled test data (.h5): report accuracy, teacher share and latency against the teacher alone.")
    var test: String?
    @Option(help: "Test samples timed one by one at batch 1.")
    var latencySamples = 500
    @Option(help: "Output file.")
    var out = "cascade.json"
    @Flag(help: "Replace an existing file at --out (never one of the inputs).")
    var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    var settings: CascadeSettings { CascadeSettings(retain: retain, signal: CascadeSignal(rawValue: signal)) }

    func validate() throws {
        try validateSettings { () throws(SettingError) in try settings.validate() }
        guard signal == "auto" || CascadeSignal(rawValue: signal) != nil else {
            throw ValidationError("--signal: expected auto or one of \(CascadeSignal.allCases.map(\.rawValue).joined(separator: ", ")), "
                                  + "got \(signal)")
        }
        guard latencySamples >= 1 else { throw ValidationError("--latency-samples: expected an integer >= 1, got \(latencySamples)") }
    }

    func run() throws {
        let logger = Logger(label: "condenser.cascade")
        runtime.apply(logger: logger)
        let output = URL(fileURLWithPath: out)
        try checkOutput(output, inputs: [student, teacher, data] + [test].compactMap { $0 }, overwrite: overwrite)
        let calibration = try MultimodalDataset.read(from: URL(fileURLWithPath: data)).named(data)
        let testData = try test.map { try MultimodalDataset.read(from: URL(fileURLWithPath: $0)).named($0) }
        let definition = try CascadeBuilder.build(student: URL(fileURLWithPath: student), teacher: URL(fileURLWithPath: teacher),
                                                  calibration: calibration, settings: settings, output: output)
        try writeFileAtomically(try definition.jsonData(), to: output)
        let rule = definition.calibration
        print("wrote \(out): signal \(definition.signal.rawValue), escalate below \(String(format: "%.6g", definition.threshold))")
        print(String(format: "  calibration  %d samples of %@: teacher share %.2f%%, accuracy %.2f%% (student %.2f%%, teacher %.2f%%)",
                     rule.samples, data, 100 * rule.teacherShare, 100 * rule.accuracy, 100 * rule.studentAccuracy,
                     100 * rule.teacherAccuracy))
        print("  signals      " + CascadeSignal.allCases.map { candidate in
            String(format: "%@ %.2f%%", candidate.rawValue, 100 * (rule.signals[candidate.rawValue] ?? .nan))
        }.joined(separator: ", ") + " of samples to the teacher")
        guard let testData else { return }
        let measured = try CascadeMeasurement.measure(try Cascade.load(from: output), on: testData, latencySamples: latencySamples)
        print(String(format: "  test         accuracy %.2f%% (%.1f%% of the teacher's %.2f%%; student %.2f%%), teacher share %.2f%%",
                     100 * measured.accuracy, 100 * measured.retained, 100 * measured.teacherAccuracy, 100 * measured.studentAccuracy,
                     100 * measured.teacherShare))
        for (name, mean, latency) in [("cascade", measured.cascadeMeanMilliseconds, measured.cascadeLatency),
                                      ("teacher", measured.teacherMeanMilliseconds, measured.teacherLatency),
                                      ("student", measured.studentMeanMilliseconds, measured.studentLatency)] {
            print(String(format: "  batch 1      %@ mean %.3f ms, p50 %.3f, p90 %.3f, p99 %.3f ms (%d samples)", name, mean, latency.p50,
                         latency.p90, latency.p99, latency.iterations))
        }
        print(String(format: "  ratio        cascade mean latency %.2f× the teacher's; batch 32: %.0f against %.0f samples/s",
                     measured.latencyRatio, measured.cascadeThroughput, measured.teacherThroughput))
    }
}
