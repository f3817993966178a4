import TensorCore

/// Vision transformer over non-overlapping p×p patches.
/// images: uint8 [B, H, W, 3] → states [B, P, dv] with P = (H/p)², patches in row-major grid order.
public final class VisionEncoder: Module {
    public let patchSize: Int
    public let patchEmbedding: Linear
    public let positionEmbedding: Tensor
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm

    public init(config: ModelConfig, generator: inout RandomGenerator) {
        patchSize = config.patchSize
        patchEmbedding = Linear(inputSize: config.patchFeatures, outputSize: config.visionDim, generator: &generator)
        positionEmbedding = .normal([config.patchCount, config.visionDim], standardDeviation: 0.02, generator: &generator, requiresGrad: true)
        layers = (0..<config.visionDepth).map { _ in
            TransformerEncoderLayer(dimension: config.visionDim, headCount: config.visionHeads,
                                    hiddenSize: config.visionDim * config.mlpRatio, generator: &generator)
        }
        norm = LayerNorm(dimension: config.visionDim)
    }

    /// images: uint8 [B, S, S, 3] with S = image size → EncoderOutput with states [B, P, dv].
    public func callAsFunction(images: [UInt8], batch: Int, imageSize: Int) -> EncoderOutput {
        let patches = Self.patches(images: images, batch: batch, imageSize: imageSize, patchSize: patchSize)
        let x = patchEmbedding(patches) + positionEmbedding
        let (h, states, weights) = runLayers(layers, x, keyMask: nil)
        return EncoderOutput(states: norm(h), layerStates: states, attentionWeights: weights)
    }

    /// Flattened patches scaled to [0, 1]: uint8 [B, S, S, 3] → [B, P, p·p·3], each patch in
    /// (row, col, channel) order, patches in row-major grid order.
    public static func patches(images: [UInt8], batch: Int, imageSize: Int, patchSize p: Int) -> Tensor {
        let grid = imageSize / p
        let features = p * p * 3
        precondition(images.count == batch * imageSize * imageSize * 3, "images do not hold \(batch) × \(imageSize)² × 3 bytes")
        var out = [Float](repeating: 0, count: batch * grid * grid * features)
        images.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var o = 0
                for b in 0..<batch {
                    for gy in 0..<grid {
                        for gx in 0..<grid {
                            for row in 0..<p {
                                let start = ((b * imageSize + gy * p + row) * imageSize + gx * p) * 3
                                for i in 0..<(p * 3) { dst[o] = Float(src[start + i]) / 255; o += 1 }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, grid * grid, features], storage: out)
    }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        scoped("patch_embed", patchEmbedding) + [("pos_embed", positionEmbedding)] + scopedLayers(layers) + scoped("norm", norm)
    }
}
