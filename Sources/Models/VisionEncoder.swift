import Foundation
import TensorCore

/// Vision transformer over non-overlapping p×p patches.
/// images: uint8 [B, H, W, 3] → states [B, P, dv] with P = (H/p)², patches in row-major grid order;
/// with a token-keep policy, [B, keep, dv] (the kept patches in grid order).
public final class VisionEncoder: Module {
    public let patchSize: Int
    /// Patches dropped after a layer (nil: none).
    public let tokenKeep: VisionTokenKeep?
    public let patchEmbedding: Linear
    public let positionEmbedding: Tensor
    /// The fixed 2-D sine–cosine code of each patch's place [P, dv] (`vision_coordinates: "sincos"`), not a parameter.
    public let coordinateCode: Tensor?
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm

    public init(config: ModelConfig, generator: inout RandomGenerator) {
        patchSize = config.patchSize
        tokenKeep = config.visionTokenKeep
        patchEmbedding = Linear(inputSize: config.patchFeatures, outputSize: config.visionDim, generator: &generator)
        positionEmbedding = .normal([config.patchCount, config.visionDim], standardDeviation: 0.02, generator: &generator,
                                    requiresGrad: true)
        coordinateCode = config.visionCoordinates == .sincos
            ? Self.sineCosineCode(grid: config.imageSize / config.patchSize, dimension: config.visionDim) : nil
        layers = zip(config.visionHeadCounts, config.visionMLPHiddenSizes).map { heads, hidden in
            TransformerEncoderLayer(dimension: config.visionDim, headCount: heads, headDimension: config.visionHeadDim,
                                    hiddenSize: hidden, generator: &generator)
        }
        norm = LayerNorm(dimension: config.visionDim)
    }

    /// images: uint8 [B, S, S, 3] with S = image size → EncoderOutput with states [B, P', dv], where
    /// P' = P, or the policy's `keep` when `tokenKeep` is set (layers from `after_layer` on see P' patches).
    /// `textScores` scores patch states [B, P, dv] → B·P values; a text-guided policy needs it.
    public func callAsFunction(images: [UInt8], batch: Int, imageSize: Int,
                               textScores: ((Tensor) -> [Float])? = nil) -> EncoderOutput {
        let embedded = embedPatches(images: images, batch: batch, imageSize: imageSize) + positionEmbedding
        let x = coordinateCode.map { embedded + $0 } ?? embedded
        guard let tokenKeep else {
            let (h, states, weights) = runLayers(layers, x, keyMask: nil)
            return EncoderOutput(states: norm(h), layerStates: states, attentionWeights: weights)
        }
        // Attention-scored selection reads the last early layer's weights.
        let (early, earlyStates, earlyWeights) = Tensor.withAttentionWeights {
            runLayers(Array(layers[..<tokenKeep.afterLayer]), x, keyMask: nil)
        }
        let scores: [Float]
        switch tokenKeep.scoring {
        case .attention: scores = VisionTokenSelection.receivedAttention(earlyWeights.last!)
        case .text:
            guard let textScores else { preconditionFailure("a text-guided token policy needs textScores (FusionModel passes them)") }
            scores = textScores(early)
        }
        let kept = VisionTokenSelection.select(early, scores: scores, keep: tokenKeep.keep)
        let (h, lateStates, lateWeights) = runLayers(Array(layers[tokenKeep.afterLayer...]), kept, keyMask: nil)
        return EncoderOutput(states: norm(h), layerStates: earlyStates + lateStates, attentionWeights: earlyWeights + lateWeights)
    }

    /// The code of `VisionCoordinates.sincos` for a grid × grid patch grid: [grid², dimension], rows in
    /// row-major grid order, columns [sin(x·f_k), cos(x·f_k), sin(y·f_k), cos(y·f_k)] for k = 1…dimension/4.
    public static func sineCosineCode(grid: Int, dimension: Int) -> Tensor {
        let frequencies = dimension / 4
        var code = [Float](repeating: 0, count: grid * grid * dimension)
        for row in 0..<grid {
            for column in 0..<grid {
                let x = (Double(column) + 0.5) / Double(grid) * 2 - 1, y = (Double(row) + 0.5) / Double(grid) * 2 - 1
                let base = (row * grid + column) * dimension
                for k in 0..<frequencies {
                    let f = Double(k + 1) * Double.pi / 2
                    code[base + k] = Float(sin(x * f))
                    code[base + frequencies + k] = Float(cos(x * f))
                    code[base + 2 * frequencies + k] = Float(sin(y * f))
                    code[base + 3 * frequencies + k] = Float(cos(y * f))
                }
            }
        }
        return Tensor(shape: [grid * grid, dimension], storage: code)
    }

    /// patch_embed(patches) [B, P, dv]. When the product runs in int8 on a static input scale (and no
    /// calibration observer watches it), the image bytes become its codes through a 256-entry table
    /// (`patchCodes`), with no float patches in between: the same values.
    func embedPatches(images: [UInt8], batch: Int, imageSize: Int) -> Tensor {
        if let int8 = patchEmbedding.int8, let input = int8.input, patchEmbedding.inputObserver == nil {
            let codes = Self.patchCodes(images: images, batch: batch, imageSize: imageSize, patchSize: patchSize, quantization: input)
            return .int8Linear(codes: codes, weights: int8.weights, bias: patchEmbedding.bias)
        }
        return patchEmbedding(Self.patches(images: images, batch: batch, imageSize: imageSize, patchSize: patchSize))
    }

    /// Flattened patches scaled to [0, 1]: uint8 [B, S, S, 3] → [B, P, p·p·3], each patch in
    /// (row, col, channel) order, patches in row-major grid order.
    public static func patches(images: [UInt8], batch: Int, imageSize: Int, patchSize p: Int) -> Tensor {
        let grid = imageSize / p
        let storage = gatherPatches(images, batch: batch, imageSize: imageSize, patchSize: p, table: pixelValues)
        return Tensor(shape: [batch, grid * grid, p * p * 3], storage: storage)
    }

    /// `patches` as the 7-bit codes of `quantization`: each byte's code is that of its value / 255
    /// (`ActivationQuantization.codes`), so these are the codes the int8 product makes of `patches`.
    public static func patchCodes(images: [UInt8], batch: Int, imageSize: Int, patchSize p: Int,
                                  quantization: ActivationQuantization) -> Int8Codes {
        let grid = imageSize / p, features = p * p * 3
        precondition(features % 4 == 0, "patch codes need rows of a multiple of 4 codes, got \(features)")
        let codes = gatherPatches(images, batch: batch, imageSize: imageSize, patchSize: p, table: quantization.codes(of: pixelValues))
        return Int8Codes(shape: [batch, grid * grid, features], codes: codes, quantization: quantization)
    }

    /// Each byte's value scaled to [0, 1].
    static let pixelValues = (0...255).map { Float($0) / 255 }

    /// `table[byte]` for each byte of each patch, in `patches`' order: [B · P · p·p·3].
    static func gatherPatches<Element>(_ images: [UInt8], batch: Int, imageSize: Int, patchSize p: Int,
                                       table: [Element]) -> [Element] {
        let grid = imageSize / p
        precondition(images.count == batch * imageSize * imageSize * 3, "images do not hold \(batch) × \(imageSize)² × 3 bytes")
        precondition(table.count == 256, "a byte table needs 256 entries")
        return [Element](unsafeUninitializedCapacity: images.count) { dst, initialized in
            images.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { value in
                    var o = 0
                    for b in 0..<batch {
                        for gy in 0..<grid {
                            for gx in 0..<grid {
                                for row in 0..<p {
                                    let start = ((b * imageSize + gy * p + row) * imageSize + gx * p) * 3
                                    for i in 0..<(p * 3) { dst.initializeElement(at: o, to: value[Int(src[start + i])]); o += 1 }
                                }
                            }
                        }
                    }
                }
            }
            initialized = images.count
        }
    }

    public var members: [(name: String, member: ModuleMember)] {
        [("patch_embed", .module(patchEmbedding)), ("pos_embed", .parameter(positionEmbedding))]
            + numbered("layers", layers) + [("norm", .module(norm))]
    }
}
