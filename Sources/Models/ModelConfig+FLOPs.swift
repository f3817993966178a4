extension ModelConfig {
    /// Floating-point operations of one forward pass for one sample with `textLength` tokens
    /// (default max_text_len), counting a multiply-add as 2. Covers every matrix product
    /// (projections, attention scores and weighted sums, MLPs, fusion, head); elementwise work,
    /// norms and softmax are left out, as is usual for FLOP counts.
    public func forwardFLOPs(textLength: Int? = nil) -> Int {
        let p = patchCount, l = textLength ?? maxTextLen, d = fusionDim
        func block(tokens t: Int, width w: Int) -> Int {
            2 * t * w * 3 * w            // q, k, v projections
                + 2 * 2 * t * t * w      // scores and weighted values over all heads
                + 2 * t * w * w          // output projection
                + 2 * 2 * t * w * w * mlpRatio  // linear1 and linear2
        }
        let vision = 2 * p * patchFeatures * visionDim + visionDepth * block(tokens: p, width: visionDim)
        let text = textDepth * block(tokens: l, width: textDim)
        let fusion = 2 * p * visionDim * d + 2 * l * textDim * d   // modality projections
            + 2 * (2 * d) * d + 2 * d * 2                           // gate network
            + 2 * l * d * d + 2 * p * d * 2 * d                     // cross-attention q and k, v
            + 2 * 2 * l * p * d + 2 * l * d * d                     // scores, weighted values, output
        return vision + text + fusion + 2 * d * numClasses
    }
}
