import Checkpoint
import Evaluation
import Foundation
import Models

/// What `eval` and `predict` run: a checkpoint's model, or a cascade (`cascade.json`).
public enum Predictor {
    case model(FusionModel)
    case cascade(Cascade)

    /// A cascade for a `.json` file, else a checkpoint.
    public static func load(from url: URL) throws -> Predictor {
        Cascade.isCascadeFile(url) ? .cascade(try Cascade.load(from: url))
            : .model(try CheckpointFile.loadModel(from: url).model)
    }

    /// The config data must fit (a cascade's members read the same inputs).
    public var config: ModelConfig {
        switch self {
        case let .model(model): model.config
        case let .cascade(cascade): cascade.config
        }
    }

    /// Logits [N, classes] over `data`, and for a cascade which samples went to the teacher.
    public func logits(on data: MultimodalDataset, batchSize: Int) -> (logits: [Float], escalated: [Bool]?) {
        switch self {
        case let .model(model): (Evaluation.logits(of: model, on: data, batchSize: batchSize), nil)
        case let .cascade(cascade): cascade.predict(data, batchSize: batchSize)
        }
    }
}
