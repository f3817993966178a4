import Checkpoint
import Distillation
import Evaluation
import Foundation
import Models
import TensorCore
import Training

/// The `align` stage: contrastive image–text alignment (CLIP) on matched image–caption pairs, in
/// the fusion space the drift monitor's consistency score reads.
///
/// v = mean_P vision_proj(vision(images)) [B, D]; t = masked mean_L text_proj(text(captions)) [B, D];
/// s = exp(logit_scale), a learnt inverse temperature kept ≤ 100 (CLIP's bound);
/// L = ½ (CE(s·v̂t̂ᵀ, diag) + CE(s·t̂v̂ᵀ, diag)) on L2-normalised rows. Captions longer than
/// max_text_len are cut to it, as CLIP cuts its text.
public final class ImageTextAlignment: StageObjective {
    public let model: FusionModel
    /// log(1/τ) [1], trained with the model.
    public let logitScale: Tensor
    static let maximumLogitScale = Float(log(100.0))

    public init(model: FusionModel, temperature: Float) {
        self.model = model
        logitScale = Tensor(shape: [1], storage: [Foundation.log(1 / temperature)], requiresGrad: true)
    }

    public var ownParameters: [(name: String, tensor: Tensor)] { [("align.logit_scale", logitScale)] }

    /// The learnt temperature τ = 1 / exp(logit_scale).
    public var temperature: Float { 1 / Foundation.exp(logitScale.storage[0]) }

    /// The pooled image and caption embeddings of `samples`: ([B, D], [B, D]).
    public func embeddings(_ data: MultimodalDataset, samples: [Int]) -> (vision: Tensor, text: Tensor) {
        let config = model.config
        let batch = data.batch(samples)
        let length = min(data.captionLength, config.maxTextLen)
        let captions = data.captions!
        let tokens = samples.flatMap { captions[($0 * data.captionLength)..<($0 * data.captionLength + length)] }
        let mask = tokens.map { $0 != 0 }
        let text = model.text(tokens: tokens, batch: batch.count, length: length, mask: mask)
        let vision = model.vision(images: batch.images, batch: batch.count, imageSize: config.imageSize) { [model] patches in
            model.fusion.patchScores(patches: patches, text: text.states, textMask: mask)
        }
        return (model.fusion.visionProjection(vision.states).mean(axis: 1),
                maskedMean(model.fusion.textProjection(text.states), mask: mask))
    }

    public func step(_ data: MultimodalDataset, samples: [Int], epoch: Int, share: BatchShare?) -> Trainer.StepResult {
        logitScale.storage[0] = min(logitScale.storage[0], Self.maximumLogitScale)
        let (local, localText) = embeddings(data, samples: samples)
        guard let share else {
            let loss = DistillationLoss.contrastive(vision: local, text: localText, logitScale: logitScale.exp())
            return Trainer.StepResult(loss: loss, components: ["align": loss.item], correct: Self.retrieved(vision: local, text: localText))
        }
        // Over the whole batch, every replica computing the same loss: the embeddings' gradients
        // reach each replica's own rows, and the scale, which every replica holds, takes 1/size of
        // its gradient from each (the same value, a gradient scaled by 1/size).
        let (vision, text) = (share.gathered(local), share.gathered(localText))
        let size = Float(share.replicas.size)
        let scale = logitScale * (1 / size) + (1 - 1 / size) * logitScale.item
        let loss = share.wholeBatch(DistillationLoss.contrastive(vision: vision, text: text, logitScale: scale.exp()))
        let own = share.offset..<(share.offset + samples.count)
        return Trainer.StepResult(loss: loss, components: ["align": loss.item],
                                  correct: Self.retrieved(vision: vision, text: text, images: own))
    }

    /// How many images have their own caption as the most similar one: v, t [B, D]. Scores v·t̂ rank
    /// the captions of an image as the cosine does (the image's own norm scales its whole row).
    static func retrieved(vision: Tensor, text: Tensor, images: Range<Int>? = nil) -> Int {
        let (count, width) = (vision.shape[0], vision.shape[1])
        let images = images ?? 0..<count
        let captions = (0..<count).map { c in
            let row = text.storage[(c * width)..<((c + 1) * width)]
            let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return row.map { $0 / norm }
        }
        let scores = images.flatMap { b in
            let image = vision.storage[(b * width)..<((b + 1) * width)]
            return captions.map { zip(image, $0).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        return Evaluation.hits(logits: scores, classes: count, labels: images.map(Int32.init))
    }
}
