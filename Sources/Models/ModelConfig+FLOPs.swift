extension ModelConfig {
    /// Floating-point operations of one forward pass for one sample with `textLength` tokens
    /// (default max_text_len), counting a multiply-add as 2. Covers every matrix product
    /// (projections, attention scores and weighted sums, MLPs, fusion, head); elementwise work,
    /// norms, softmax and the token ranking are left out, as is usual for FLOP counts.
    /// Pruned heads, MLP widths and the patches dropped by `vision_token_keep` all count, and so
    /// does a text-guided policy's scoring pass.
    public func forwardFLOPs(textLength: Int? = nil) -> Int {
        let l = textLength ?? maxTextLen, d = fusionDim
        /// One block over t tokens of width w with attention width a = heads · head_dim and MLP width m.
        func block(tokens t: Int, width w: Int, attention a: Int, mlp m: Int) -> Int {
            2 * t * w * 3 * a            // q, k, v projections
                + 2 * 2 * t * t * a      // scores and weighted values over all heads
                + 2 * t * a * w          // output projection
                + 2 * 2 * t * w * m      // linear1 and linear2
        }
        let visionHeads = visionHeadCounts, visionMLP = visionMLPHiddenSizes
        var vision = 2 * patchCount * patchFeatures * visionDim
        for layer in 0..<visionDepth {
            vision += block(tokens: visionTokens(enteringLayer: layer), width: visionDim,
                            attention: visionHeads[layer] * visionHeadDim, mlp: visionMLP[layer])
        }
        let textHeads = textHeadCounts, textMLP = textMLPHiddenSizes
        var text = 0
        for layer in 0..<textDepth {
            text += block(tokens: l, width: textDim, attention: textHeads[layer] * textHeadDim, mlp: textMLP[layer])
        }
        let p = fusionPatchCount, a = fusionHeadCount * fusionHeadDim
        let fusion = 2 * p * visionDim * d + 2 * l * textDim * d   // modality projections
            + 2 * (2 * d) * d + 2 * d * 2                           // gate network
            + 2 * l * d * a + 2 * p * d * 2 * a                     // cross-attention q and k, v
            + 2 * 2 * l * p * a + 2 * l * a * d                     // scores, weighted values, output
        var scoring = 0
        if visionTokenKeep?.scoring == .text {
            let p0 = patchCount   // every patch is scored, before any is dropped
            scoring = 2 * p0 * visionDim * d + 2 * l * textDim * d   // projections of patches and tokens
                + 2 * p0 * d * a + 2 * l * d * a + 2 * l * p0 * a    // keys, queries, scores
        }
        // Decoder blocks over the question: self-attention over l tokens, cross-attention from l
        // queries over p patches (keys and values projected from the patches), MLP.
        var decoder = 0
        for layer in 0..<fusionDepth {
            let selfWidth = fusionLayerHeadCounts[layer] * fusionHeadDim, crossWidth = fusionLayerCrossHeadCounts[layer] * fusionHeadDim
            decoder += 2 * l * d * 3 * selfWidth + 2 * 2 * l * l * selfWidth + 2 * l * selfWidth * d    // self-attention
                + 2 * l * d * crossWidth + 2 * p * d * 2 * crossWidth                                   // cross q, and k, v
                + 2 * 2 * l * p * crossWidth + 2 * l * crossWidth * d                                   // scores, values, output
                + 2 * 2 * l * d * fusionMLPHiddenSizes[layer]                                           // MLP
        }
        let head = self.head == .tokens ? 2 * headInputSize * headHidden + 2 * headHidden * numClasses : 2 * d * numClasses
        return vision + text + fusion + scoring + decoder + head
    }
}
