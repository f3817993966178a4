import TensorCore

/// What an encoder produces: final states and, for distillation and pruning, every block's.
public struct EncoderOutput {
    /// Final normalised states [B, T, D].
    public let states: Tensor
    /// Output of each block, before the final norm: depth × [B, T, D].
    public let layerStates: [Tensor]
    /// Self-attention weights of each block: depth × [B, H, T, T].
    public let attentionWeights: [Tensor]
}

/// Runs `x` through `layers` collecting each block's output and attention.
func runLayers(_ layers: [TransformerEncoderLayer], _ x: Tensor, keyMask: [Bool]?) -> (Tensor, [Tensor], [Tensor]) {
    var x = x
    var states: [Tensor] = [], weights: [Tensor] = []
    for layer in layers {
        let out = layer(x, keyMask: keyMask)
        x = out.output
        states.append(x)
        weights.append(out.weights)
    }
    return (x, states, weights)
}

