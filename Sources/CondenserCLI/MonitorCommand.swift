import ArgumentParser
import Checkpoint
import Deployment
import Foundation
import Logging

/// `condenser monitor`: has new data drifted from the reference, as the model sees it?
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Compare new data with reference data as a model sees them; exit 3 when they have drifted.",
        discussion: """
            Signals: the cross-modal consistency score (mean cosine similarity of each sample's pooled image and text \
            embeddings in the fusion space) alarms when it falls by --drop of the reference's; the distributions of \
            answer confidence, vision and text certainty and predicted answers alarm when their population stability \
            index reaches --psi. Exit status: 0 healthy, 3 drifted, 1 bad input. See docs/deployment.md.
            """)

    @Argument(help: "Checkpoint (.h5).")
    var checkpoint: String
    @Option(help: "Reference data (.h5): what the model was validated on.")
    var reference: String
    @Option(help: "New data (.h5) to check.")
    var data: String
    @Option(help: "Relative fall of the consistency score that alarms, in (0, 1).")
    var drop = 0.15
    @Option(help: "Population stability index that alarms for a distribution, > 0.")
    var psi = 0.1
    @Option(help: "Result file.")
    var out = "monitor.json"
    @Option(help: "Folder for monitor.svg, histograms of the reference and the new data.")
    var report: String?
    @Flag(help: "Replace existing files at --out and in --report.")
    var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard drop > 0 && drop < 1 else { throw ValidationError("--drop: expected a fraction in (0, 1), got \(drop)") }
        guard psi > 0 && psi.isFinite else { throw ValidationError("--psi: expected a number > 0, got \(psi)") }
    }

    func run() throws {
        let logger = Logger(label: "condenser.monitor")
        runtime.apply(logger: logger)
        let svg = report.map { URL(fileURLWithPath: $0).appendingPathComponent("monitor.svg") }
        for output in [URL(fileURLWithPath: out)] + [svg].compactMap({ $0 }) {
            try checkOutput(output, inputs: [checkpoint, reference, data], overwrite: overwrite)
        }
        let (model, _) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: checkpoint))
        let sets = try [reference, data].map { path in
            let set = try MultimodalDataset.read(from: URL(fileURLWithPath: path))
            guard set.count > 0 else { throw CommandError.unusableInput(file: path, reason: "holds no samples") }
            try set.validate(against: model.config)
            return set
        }
        if sets[0].vocab != sets[1].vocab {
            throw CommandError.unusableInput(file: data, reason: "its vocabulary differs from the reference's (\(reference)); "
                                             + "token ids would not mean the same words")
        }
        if (sets[0].imageHeight, sets[0].imageWidth) != (sets[1].imageHeight, sets[1].imageWidth) {
            throw CommandError.unusableInput(file: data, reason: "its \(sets[1].imageHeight)×\(sets[1].imageWidth) images differ from the "
                                             + "reference's \(sets[0].imageHeight)×\(sets[0].imageWidth)")
        }
        let profiles = sets.map { DriftProfile.measure(model, on: $0) }
        let signals = DriftMonitor(drop: drop, psiThreshold: psi).compare(reference: profiles[0], data: profiles[1])
        for signal in signals {
            let measure = signal.name == "consistency"
                ? String(format: "%.4f → %.4f, fall %.1f%% (alarm at %.0f%%)", signal.reference, signal.value, 100 * signal.change,
                         100 * signal.threshold)
                : String(format: "PSI %.4f (alarm at %.2f)", signal.change, signal.threshold)
                    + (signal.name == "answers" ? "" : String(format: ", mean %.4f → %.4f", signal.reference, signal.value))
            print((signal.alarm ? "ALARM  " : "ok     ") + signal.name.padding(toLength: 18, withPad: " ", startingAt: 0) + measure)
        }
        let alarmed = signals.filter(\.alarm).map(\.name)
        let document: [String: Any] = [
            "model": checkpoint, "reference": reference, "data": data, "samples": [sets[0].count, sets[1].count],
            "drop": drop, "psi": psi, "alarm": !alarmed.isEmpty,
            "signals": signals.map { ["name": $0.name, "reference": $0.reference, "value": $0.value, "change": $0.change,
                                      "threshold": $0.threshold, "alarm": $0.alarm] },
        ]
        try writeFileAtomically(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]),
                                to: URL(fileURLWithPath: out))
        if let svg {
            try FileManager.default.createDirectory(at: svg.deletingLastPathComponent(), withIntermediateDirectories: true)
            try writeFileAtomically(Data(DriftHistogram.svg(reference: profiles[0], data: profiles[1]).utf8), to: svg)
        }
        print("wrote \(out)" + (svg.map { ", \($0.path)" } ?? "")
              + (alarmed.isEmpty ? ": healthy" : ": drifted (\(alarmed.joined(separator: ", ")))"))
        if !alarmed.isEmpty { throw ExitCode(3) }
    }
}
