import TensorCore

/// The image + text fusion model family shared by teachers and students:
/// vision transformer + text transformer + adaptive gated cross-modal fusion + classifier head.
/// Parameter names follow PyTorch (`vision.layers.0.self_attn.in_proj_weight`).
public final class FusionModel: Module {
    public let config: ModelConfig
    public let vision: VisionEncoder
    public let text: TextEncoder
    public let fusion: AdaptiveCrossModalFusion
    public let head: ClassifierHead

    /// A randomly initialised model (PyTorch's default schemes), deterministic for `seed`.
    public init(config: ModelConfig, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        self.config = config
        vision = VisionEncoder(config: config, generator: &generator)
        text = TextEncoder(config: config, generator: &generator)
        fusion = AdaptiveCrossModalFusion(config: config, generator: &generator)
        head = ClassifierHead(config: config, generator: &generator)
    }

    /// Everything one forward pass computes, for prediction, distillation and pruning.
    public struct Output {
        /// [B, classes]
        public let logits: Tensor
        public let fusion: AdaptiveCrossModalFusion.Output
        public let vision: EncoderOutput
        public let text: EncoderOutput
    }

    /// Forward pass. Checks the input against the config (a programmer error if it disagrees:
    /// data files are validated when read).
    public func callAsFunction(_ input: ModelInput) -> Output {
        precondition(input.textLength <= config.maxTextLen, "text length \(input.textLength) exceeds max_text_len \(config.maxTextLen)")
        let mask = input.textMask
        let textOut = text(tokens: input.tokens, batch: input.batchSize, length: input.textLength, mask: mask)
        let visionOut = vision(images: input.images, batch: input.batchSize, imageSize: config.imageSize) { [fusion] patches in
            fusion.patchScores(patches: patches, text: textOut.states, textMask: mask)
        }
        let fused = fusion(vision: visionOut.states, text: textOut.states, textMask: mask)
        return Output(logits: head(fused.fused, tokens: fused.tokens, textMask: mask), fusion: fused, vision: visionOut, text: textOut)
    }

    /// Logits without recording a graph or attention weights: [B, S, S, 3] + [B, L] → [B, classes].
    ///
    /// A batch of at least `samplesPerCore` samples per core is split into one share per core, each
    /// run whole on its own core (its loops run serially), so the cores never wait for each other
    /// between layers; each sample's logits are the same either way.
    public func predict(_ input: ModelInput) -> Tensor {
        let shares = Parallel.chunkCount(input.batchSize, grain: Self.samplesPerCore)
        guard shares > 1 else { return logits(input) }
        var logits = [Tensor?](repeating: nil, count: shares)
        logits.withUnsafeMutableBufferPointer { parts in
            Parallel.forEachChunk(input.batchSize, grain: Self.samplesPerCore) { share, samples in
                parts[share] = self.logits(input.samples(samples))
            }
        }
        return .concat(logits.map { $0! }, axis: 0)
    }

    /// The smallest share of a batch `predict` runs on one core.
    public static let samplesPerCore = 4

    private func logits(_ input: ModelInput) -> Tensor {
        Tensor.withoutGradients { Tensor.withoutAttentionWeights { self(input).logits } }
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("vision", .module(vision)), ("text", .module(text)), ("fusion", .module(fusion)), ("head", .module(head))]
    }
}
