import Foundation
import Training

/// `train-log.csv`: one row per epoch of every phase, with each loss term as a column.
enum TrainLog {
    static func csv(_ records: [EpochRecord]) -> String {
        let terms = Array(Set(records.flatMap(\.components.keys))).sorted()
        var lines = [(["phase", "epoch", "train_loss", "train_accuracy", "test_accuracy"] + terms.map { "loss_\($0)" }
            + ["seconds", "samples_per_second"]).joined(separator: ",")]
        for r in records {
            let values = [r.phase, String(r.epoch), format(r.trainLoss), format(r.trainAccuracy), format(r.testAccuracy)]
                + terms.map { r.components[$0].map(format) ?? "" }
                + [String(format: "%.2f", r.seconds), String(format: "%.1f", r.samplesPerSecond)]
            lines.append(values.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ value: Double) -> String { String(format: "%.6f", value) }
}
