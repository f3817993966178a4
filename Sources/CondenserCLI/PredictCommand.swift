import Evaluation
import ArgumentParser
import Checkpoint
import Deployment
import Foundation
import Logging
import Models
import Training

/// `condenser predict`: logits of a model over a dataset.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Write a model's logits over a dataset to an HDF5 file (/logits [N, classes]).")

    @Argument(help: "Checkpoint (.h5), or a cascade (cascade.json; adds /escalated, 1 where the teacher answered).")
    var checkpoint: String
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Output file (.h5).")
    var out: String
    @Flag(help: """
        Also write per-sample certainty: /vision_certainty, /text_certainty (the design essay's modality certainties), \
        /confidence (max softmax), /margin (top-2 gap) and /entropy (nats); formulas in docs/deployment.md.
        """)
    var certainty = false
    @Flag(help: "Replace an existing file at --out (never one of the inputs).")
    var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        let logger = Logger(label: "condenser.predict")
        runtime.apply(logger: logger)
        try checkOutput(URL(fileURLWithPath: out), inputs: [checkpoint, dataOptions.data], overwrite: overwrite)
        let (model, data) = try loadModelAndData(checkpoint: checkpoint, data: dataOptions.data)
        var (logits, perSample): ([Float], [(name: String, values: [Float])]) = ([], [])
        switch (model, certainty) {
        case let (.model(model), true):
            let measured = Certainty.measure(model, on: data, batchSize: dataOptions.batchSize)
            (logits, perSample) = (measured.logits, measured.certainty.named)
        case (.cascade, true):
            throw CommandError.invalidOption("--certainty: needs a checkpoint; a cascade's signal is its student's")
        case (_, false):
            let (values, escalated) = model.logits(on: data, batchSize: dataOptions.batchSize)
            logits = values
            if let escalated { perSample = [("escalated", escalated.map { $0 ? 1 : 0 })] }
        }
        try LogitsFile.write(logits: logits, count: data.count, classes: model.config.numClasses,
                             answers: data.answers, perSample: perSample, to: URL(fileURLWithPath: out))
        print("wrote \(out): logits [\(data.count), \(model.config.numClasses)]"
              + perSample.map { ", \($0.name) [\(data.count)]" }.joined())
    }
}

/// Reads a checkpoint (or a cascade) and a dataset and checks that they fit each other.
func loadModelAndData(checkpoint: String, data: String) throws -> (Predictor, MultimodalDataset) {
    let model = try Predictor.load(from: URL(fileURLWithPath: checkpoint))
    let dataset = try MultimodalDataset.read(from: URL(fileURLWithPath: data))
    try dataset.validate(against: model.config)
    return (model, dataset)
}
