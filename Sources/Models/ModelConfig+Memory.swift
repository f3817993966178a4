/// What a config costs before any model of it exists: its exact parameter count, and the memory
/// training it takes. Checked before allocation, so that a config too large for the machine is
/// refused with one line instead of being killed by the kernel halfway through a run.
extension ModelConfig {
    /// Parameters of each part, counted as the modules allocate them (`FusionModel(config:).parameterCount`
    /// gives the same total): the key of the width that sizes the part, and its count.
    public var parameterCounts: [(key: String, count: Int)] {
        func linear(_ inputs: Int, _ outputs: Int) -> Int { inputs * outputs + outputs }
        func attention(_ width: Int, heads: Int, headDim: Int) -> Int {
            let a = heads * headDim
            return 3 * a * width + 3 * a + linear(a, width)
        }
        func block(_ width: Int, heads: Int, headDim: Int, mlp: Int) -> Int {
            attention(width, heads: heads, headDim: headDim) + linear(width, mlp) + linear(mlp, width) + 4 * width
        }
        let vision = linear(patchFeatures, visionDim) + patchCount * visionDim + 2 * visionDim
            + zip(visionHeadCounts, visionMLPHiddenSizes).reduce(0) {
                $0 + block(visionDim, heads: $1.0, headDim: visionHeadDim, mlp: $1.1)
            }
        let text = (vocabSize + maxTextLen) * textDim + 2 * textDim
            + zip(textHeadCounts, textMLPHiddenSizes).reduce(0) { $0 + block(textDim, heads: $1.0, headDim: textHeadDim, mlp: $1.1) }
        let d = fusionDim
        var fusion = linear(visionDim, d) + linear(textDim, d) + linear(2 * d, d) + linear(d, 2)
            + attention(d, heads: fusionHeadCount, headDim: fusionHeadDim) + (fusionDepth > 0 ? 2 * d : 0)
        for layer in 0..<fusionDepth {
            fusion += block(d, heads: fusionLayerHeadCounts[layer], headDim: fusionHeadDim, mlp: fusionMLPHiddenSizes[layer])
                + attention(d, heads: fusionLayerCrossHeadCounts[layer], headDim: fusionHeadDim) + 2 * d
        }
        let head = 2 * d + (self.head == .tokens ? linear(headInputSize, headHidden) + linear(headHidden, numClasses)
                                                 : linear(d, numClasses))
        return [("vision_dim", vision), ("text_dim", text), ("fusion_dim", fusion),
                (self.head == .tokens ? "head_hidden" : "fusion_dim", head)]
    }

    /// Every parameter of a model of this config.
    public var parameterCount: Int { parameterCounts.reduce(0) { $0 + $1.count } }

    /// Floats one sample keeps for the backward pass, roughly: per transformer block its inputs,
    /// q, k, v, attention output, the MLP's hidden activations and the attention probabilities.
    /// An estimate for refusing what cannot fit, not a promise.
    public var activationFloatsPerSample: Int {
        func block(tokens t: Int, width w: Int, heads h: Int, mlp m: Int, keys k: Int? = nil) -> Int {
            t * (8 * w + 2 * m) + 2 * h * t * (k ?? t)
        }
        var floats = patchCount * (patchFeatures + visionDim)
        for layer in 0..<visionDepth {
            floats += block(tokens: visionTokens(enteringLayer: layer), width: visionDim, heads: visionHeadCounts[layer],
                            mlp: visionMLPHiddenSizes[layer])
        }
        for layer in 0..<textDepth {
            floats += block(tokens: maxTextLen, width: textDim, heads: textHeadCounts[layer], mlp: textMLPHiddenSizes[layer])
        }
        let p = fusionPatchCount
        floats += (p + maxTextLen) * 4 * fusionDim + 2 * fusionHeadCount * maxTextLen * p
        for layer in 0..<fusionDepth {
            floats += block(tokens: maxTextLen, width: fusionDim, heads: fusionLayerHeadCounts[layer], mlp: fusionMLPHiddenSizes[layer])
                + block(tokens: maxTextLen, width: fusionDim, heads: fusionLayerCrossHeadCounts[layer], mlp: 0, keys: p)
        }
        return floats + headInputSize + headHidden + numClasses
    }

    /// Bytes that training a model of this config at `batchSize` takes, roughly: weights, gradients
    /// and two AdamW moments in float32, and the activations of one batch.
    public func trainingBytes(batchSize: Int) -> Int {
        16 * parameterCount + 4 * batchSize * activationFloatsPerSample
    }
}
