import TensorCore

/// How a weight product runs in int8: the quantized weights, and the input's quantization
/// (nil: a scale and zero point per row, computed at run time).
public struct Int8Linear: Sendable {
    public let weights: Int8Weights
    public let input: ActivationQuantization?

    public init(weights: Int8Weights, input: ActivationQuantization?) {
        self.weights = weights
        self.input = input
    }
}

/// A layer whose work is one weight product, x·Wᵀ + b, that can run in int8: a `Linear`, or
/// the packed q/k/v in-projection of a `MultiHeadAttention`.
public protocol QuantizableLayer: AnyObject {
    /// The float weight [out, in].
    var weightMatrix: Tensor { get }
    /// When set, inference runs the product through the int8 kernel (no gradients).
    var int8: Int8Linear? { get set }
    /// Calibration hook: sees every float input [.., in] of the product.
    var inputObserver: (@Sendable (Tensor) -> Void)? { get set }
}

extension QuantizableLayer {
    /// x·Wᵀ + b for `outputRows` of W, in float32 or int8 as configured; tells the observer first.
    func product(_ x: Tensor, bias: Tensor, outputRows: Range<Int>? = nil) -> Tensor {
        inputObserver?(x)
        if let int8 {
            return .int8Linear(x, weights: int8.weights, bias: bias, input: int8.input, outputRows: outputRows)
        }
        return .linear(x, weight: weightMatrix, bias: bias, outputRows: outputRows)
    }
}

extension Linear: QuantizableLayer {
    public var weightMatrix: Tensor { weight }
}

extension MultiHeadAttention: QuantizableLayer {
    public var weightMatrix: Tensor { inProjectionWeight }
}

// MARK: - Every quantizable layer of a model, by the name of its weight parameter

/// A model's int8-capable layers, each under the full name of its weight parameter
/// (`vision.layers.0.linear1.weight`, `fusion.cross_attn.in_proj_weight`).
public typealias NamedQuantizableLayers = [(name: String, layer: any QuantizableLayer)]

private func scoped(_ prefix: String, _ layers: NamedQuantizableLayers) -> NamedQuantizableLayers {
    layers.map { ("\(prefix).\($0.name)", $0.layer) }
}

extension MultiHeadAttention {
    public var quantizableLayers: NamedQuantizableLayers {
        [("in_proj_weight", self)] + scoped("out_proj", [("weight", outProjection)])
    }
}

extension TransformerEncoderLayer {
    public var quantizableLayers: NamedQuantizableLayers {
        scoped("self_attn", selfAttention.quantizableLayers) + [("linear1.weight", linear1), ("linear2.weight", linear2)]
    }
}

extension TransformerDecoderLayer {
    public var quantizableLayers: NamedQuantizableLayers {
        scoped("self_attn", selfAttention.quantizableLayers) + scoped("multihead_attn", crossAttention.quantizableLayers)
            + [("linear1.weight", linear1), ("linear2.weight", linear2)]
    }
}

private func layerList(_ layers: [TransformerEncoderLayer]) -> NamedQuantizableLayers {
    layers.enumerated().flatMap { index, layer in scoped("layers.\(index)", layer.quantizableLayers) }
}

extension FusionModel {
    /// Every weight product of the model; embeddings and LayerNorms are not among them.
    public var quantizableLayers: NamedQuantizableLayers {
        let vision: NamedQuantizableLayers = [("patch_embed.weight", self.vision.patchEmbedding)] + layerList(self.vision.layers)
        let fusion: NamedQuantizableLayers = [
            ("vision_proj.weight", self.fusion.visionProjection), ("text_proj.weight", self.fusion.textProjection),
            ("gate_net.0.weight", self.fusion.gateHidden), ("gate_net.2.weight", self.fusion.gateOutput),
        ] + scoped("cross_attn", self.fusion.crossAttention.quantizableLayers)
            + self.fusion.layers.enumerated().flatMap { index, layer in scoped("layers.\(index)", layer.quantizableLayers) }
        let head: NamedQuantizableLayers = (self.head.hidden.map { [("hidden.weight", $0)] } ?? []) + [("fc.weight", self.head.fc)]
        return scoped("vision", vision) + scoped("text", layerList(text.layers)) + scoped("fusion", fusion) + scoped("head", head)
    }
}
