import ArgumentParser
import Checkpoint
import Foundation
import Logging
import Training

/// `condenser eval`: accuracy of a model on a labelled dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Accuracy of a model against a dataset's /labels.")

    @Argument(help: "Checkpoint (.h5).")
    var checkpoint: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        let logger = Logger(label: "condenser.eval")
        runtime.apply(logger: logger)
        let (model, data) = try loadModelAndData(checkpoint: checkpoint, data: dataOptions.data)
        guard let labels = data.labels else {
            throw CommandError("\(dataOptions.data): has no /labels dataset, so accuracy cannot be computed (use predict)")
        }
        let logits = Evaluation.logits(of: model, on: data, batchSize: dataOptions.batchSize)
        let accuracy = Evaluation.accuracy(logits: logits, classes: model.config.numClasses, labels: labels)
        let hits = Int((accuracy * Double(labels.count)).rounded())
        print(String(format: "accuracy %.4f (%d/%d) on %@", accuracy, hits, labels.count, dataOptions.data))
    }
}
