import Checkpoint
import Models
import TensorCore
import Training

/// The `vision` stage: masked-patch reconstruction in the spirit of masked autoencoders (in
/// SimMIM's single-pass form, which keeps the encoder's patch grid). Each image hides
/// round(ratio · P) of its patches (pixels set to mid-grey), the vision encoder reads the whole
/// image, and a linear decoder predicts the hidden patches' pixels from their states.
///
/// x = the original patches [B, P, F] in [0, 1] (F = p·p·3); h = vision(masked images) [B, P, dv];
/// L = (1 / (M·F)) Σ over the M hidden patches (b, p) and features f of (decoder(h_bp)_f − x_bpf)².
public final class MaskedPatchReconstruction: StageObjective {
    public let model: FusionModel
    /// dv → F; dropped after the stage.
    public let decoder: Linear
    public let maskRatio: Float
    /// Seeds the masks (with the epoch and the sample's index).
    public let seed: UInt64
    /// What a hidden patch's pixels are set to.
    static let hiddenPixel: UInt8 = 128

    public init(model: FusionModel, maskRatio: Float, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        self.model = model
        decoder = Linear(inputSize: model.config.visionDim, outputSize: model.config.patchFeatures, generator: &generator)
        self.maskRatio = maskRatio
        self.seed = seed
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        decoder.namedParameters.map { ("vision_decoder.\($0.name)", $0.tensor) }
    }

    /// The hidden patches of each sample (row-major grid indices), and the images with them greyed.
    public func hide(_ batch: MultimodalBatch, samples: [Int], epoch: Int) -> (images: [UInt8], hidden: [[Int]]) {
        let (size, p) = (model.config.imageSize, model.config.patchSize)
        let grid = size / p
        var images = batch.images
        let hidden = samples.enumerated().map { b, sample in
            let patches = StageMask.positions(Array(0..<(grid * grid)), ratio: maskRatio, seed: seed, epoch: epoch, sample: sample)
            for patch in patches {
                for row in 0..<p {
                    let start = ((b * size + patch / grid * p + row) * size + patch % grid * p) * 3
                    for i in start..<(start + p * 3) { images[i] = Self.hiddenPixel }
                }
            }
            return patches
        }
        return (images, hidden)
    }

    public func step(_ data: MultimodalDataset, samples: [Int], epoch: Int, share: BatchShare?) -> Trainer.StepResult {
        let batch = data.batch(samples)
        let config = model.config
        let (count, features, width) = (config.patchCount, config.patchFeatures, config.visionDim)
        let (images, hidden) = hide(batch, samples: samples, epoch: epoch)
        let states = model.vision(images: images, batch: batch.count, imageSize: config.imageSize).states
        let rows = hidden.enumerated().flatMap { b, patches in patches.map { b * count + $0 } }
        let predicted = decoder(Tensor.pickingRows(states.reshaped([batch.count * count, width]), sources: rows))
        let original = VisionEncoder.patches(images: batch.images, batch: batch.count, imageSize: config.imageSize,
                                             patchSize: config.patchSize).storage
        let target = Tensor(shape: [rows.count, features],
                            storage: rows.flatMap { original[($0 * features)..<(($0 + 1) * features)] })
        let loss = (predicted - target).squared().mean().scaledToWholeBatch(share, count: rows.count)
        return Trainer.StepResult(loss: loss, components: ["vision": loss.item], correct: 0)
    }
}
