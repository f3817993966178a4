import Evaluation
import ArgumentParser
import Checkpoint
import Deployment
import Datasets
import Foundation
import Logging
import Training

/// `condenser eval`: accuracy of a model on a labelled dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Accuracy of a model against a dataset's /labels.")

    @Argument(help: "Checkpoint (.h5), or a cascade (cascade.json).")
    var checkpoint: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var runtime: RuntimeOptions
    @Flag(help: "Also the accuracy of each question kind (shapes data).")
    var byKind = false

    func run() throws {
        let logger = Logger(label: "condenser.eval")
        runtime.apply(logger: logger)
        let (model, data) = try loadModelAndData(checkpoint: checkpoint, data: dataOptions.data)
        guard let labels = data.labels else {
            throw CommandError.unusableInput(file: dataOptions.data,
                                             reason: "has no /labels dataset, so accuracy cannot be computed (use predict)")
        }
        let (logits, escalated) = model.logits(on: data, batchSize: dataOptions.batchSize)
        let accuracy = Evaluation.accuracy(logits: logits, classes: model.config.numClasses, labels: labels)
        let hits = Int((accuracy * Double(labels.count)).rounded())
        print(String(format: "accuracy %.4f (%d/%d) on %@", accuracy, hits, labels.count, dataOptions.data))
        if let escalated {
            let sent = escalated.filter { $0 }.count
            print(String(format: "teacher share %.4f (%d/%d samples sent to the teacher)", Double(sent) / Double(data.count), sent,
                         data.count))
        }
        guard byKind else { return }
        let predictions = Evaluation.predictions(logits: logits, classes: model.config.numClasses)
        for (kind, correct, total) in try ShapesGenerator.Kind.accuracies(predictions: predictions, on: data) {
            let name = kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
            print("  " + name + String(format: " %.4f (%d/%d)", Double(correct) / Double(total), correct, total))
        }
    }
}
