import Checkpoint
import Datasets
import Foundation
import Quantization
import Recipes

extension QuantizeCommand {
    /// Calibration data for a checkpoint given without `--data`: the data it was trained on, as its
    /// provenance names it. A recipe's teacher records its training data (`training.data`); a
    /// model the recipe distilled names the recipe file, whose `data.train` it learnt from.
    /// Generated data are made again from their seed (the first `samples` of them); a file is read
    /// if it is still there. Nil when the provenance names no data that can be found.
    static func provenanceCalibration(for checkpoint: URL, samples: Int) -> MultimodalDataset? {
        guard let provenance = try? CheckpointFile.readMetadata(from: checkpoint).provenance else { return nil }
        var source = provenance.training.flatMap { DataSource(trainingRecordJSON: $0.data) }
        if source == nil, provenance.source.hasSuffix(".json"),
           let recipe = try? Recipe.load(from: URL(fileURLWithPath: provenance.source)) {
            source = recipe.data.train
        }
        switch source {
        case let .generator(name, count, seed)?:
            let data = ShapesGenerator.generate(count: min(count, samples), seed: seed)
            return data.named("\(name) generator, seed \(seed) (the training data named by \(checkpoint.lastPathComponent)'s provenance)")
        case let .file(path)?:
            return (try? MultimodalDataset.read(from: URL(fileURLWithPath: path)))?.named(path)
        case nil:
            return nil
        }
    }
}
