import Evaluation
import ArgumentParser
import Checkpoint
import Foundation
import Logging
import Models
import Training

/// `condenser predict`: logits of a model over a dataset.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Write a model's logits over a dataset to an HDF5 file (/logits [N, classes]).")

    @Argument(help: "Checkpoint (.h5).")
    var checkpoint: String
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Output file (.h5).")
    var out: String
    @Flag(help: "Replace an existing file at --out (never one of the inputs).")
    var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        let logger = Logger(label: "condenser.predict")
        runtime.apply(logger: logger)
        try checkOutput(URL(fileURLWithPath: out), inputs: [checkpoint, dataOptions.data], overwrite: overwrite)
        let (model, data) = try loadModelAndData(checkpoint: checkpoint, data: dataOptions.data)
        let logits = Evaluation.logits(of: model, on: data, batchSize: dataOptions.batchSize)
        try LogitsFile.write(logits: logits, count: data.count, classes: model.config.numClasses,
                             answers: data.answers, to: URL(fileURLWithPath: out))
        print("wrote \(out): logits [\(data.count), \(model.config.numClasses)]")
    }
}

/// Reads a checkpoint and a dataset and checks that they fit each other.
func loadModelAndData(checkpoint: String, data: String) throws -> (FusionModel, MultimodalDataset) {
    let (model, _) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: checkpoint))
    let dataset = try MultimodalDataset.read(from: URL(fileURLWithPath: data))
    try dataset.validate(against: model.config)
    return (model, dataset)
}
