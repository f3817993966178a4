import Checkpoint
import Models
import TensorCore
import Training

/// What a pretraining stage minimises: a loss over a batch of samples, with parameters of its own
/// (a light decoder, a temperature) that train with the model in that stage and are dropped after it.
public protocol StageObjective: AnyObject {
    /// The objective's own parameters, named `<kind>.<member>`; saved in the stage's resume state.
    var ownParameters: [(name: String, tensor: Tensor)] { get }
    /// The loss on `samples` of `data` in `epoch` (0-based; masks are drawn from it).
    /// `components` holds the loss under the stage's kind; `correct` counts samples done right
    /// (every hidden token predicted, or the caption retrieved; 0 for patch reconstruction).
    /// In a data-parallel step, `share` places `samples` within the whole batch, over which the
    /// loss is the one a single process computes.
    func step(_ data: MultimodalDataset, samples: [Int], epoch: Int, share: BatchShare?) -> Trainer.StepResult
}

extension StageObjective {
    /// The loss on `samples` of `data` in `epoch`, in a process alone.
    public func step(_ data: MultimodalDataset, samples: [Int], epoch: Int) -> Trainer.StepResult {
        step(data, samples: samples, epoch: epoch, share: nil)
    }
}

extension TrainingStage {
    /// The objective of a pretraining stage on `model` (nil for the `task`, which the caller owns).
    /// Its decoder or temperature starts from `seed`.
    public func objective(for model: FusionModel, data: MultimodalDataset, seed: UInt64) throws(StageError) -> StageObjective? {
        try check(model: model, data: data)
        switch kind {
        case .vision: return MaskedPatchReconstruction(model: model, maskRatio: maskRatio, seed: seed)
        case .text: return MaskedTokenPrediction(model: model, maskToken: Int32(data.vocab.count), maskRatio: maskRatio, seed: seed)
        case .align: return ImageTextAlignment(model: model, temperature: temperature)
        case .task: return nil
        }
    }

    /// The parameters of `model` this stage trains, in model order.
    public func trainedParameters(of model: some Module) throws(StageError) -> [(name: String, tensor: Tensor)] {
        let named = model.namedParameters
        for prefix in frozen where !named.contains(where: { $0.name.hasPrefix(prefix) }) {
            throw .unmatchedFreeze(prefix: prefix)
        }
        let trained = named.filter { trains($0.name) }
        guard !trained.isEmpty else { throw .nothingToTrain(kind: kind) }
        return trained
    }

    /// Checks that this stage can run on `model` with `data`, before any work.
    public func check(model: FusionModel, data: MultimodalDataset) throws(StageError) {
        _ = try trainedParameters(of: model)
        switch kind {
        case .vision where model.config.visionTokenKeep != nil:
            throw .unsupported(kind: kind, reason: "the model drops vision tokens (vision_token_keep), so not every patch has a state "
                + "to reconstruct from")
        case .text where data.vocab.count >= model.config.vocabSize:
            throw .unsupported(kind: kind, reason: "the data's \(data.vocab.count) words fill vocab_size \(model.config.vocabSize), "
                + "leaving no id for the mask token")
        case .align where data.captions == nil:
            throw .unsupported(kind: kind, reason: "\(data.source) has no /captions to align the images with")
        default: break
        }
    }
}

/// Why a stage cannot run.
public enum StageError: Error, Equatable, CustomStringConvertible {
    case unmatchedFreeze(prefix: String)
    case nothingToTrain(kind: TrainingStage.Kind)
    case unsupported(kind: TrainingStage.Kind, reason: String)

    public var description: String {
        switch self {
        case let .unmatchedFreeze(prefix): "freeze: no parameter name starts with \"\(prefix)\""
        case let .nothingToTrain(kind): "freeze: every parameter the \"\(kind.rawValue)\" stage trains is frozen"
        case let .unsupported(kind, reason): "the \"\(kind.rawValue)\" stage cannot run: \(reason)"
        }
    }
}
