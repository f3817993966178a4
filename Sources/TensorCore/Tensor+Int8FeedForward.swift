import CKernels

/// One int8 weight product of a fused op: its weights, bias and the static quantization of its input.
public struct Int8Product {
    public let weights: Int8Weights
    public let bias: Tensor?
    public let input: ActivationQuantization

    public init(weights: Int8Weights, bias: Tensor?, input: ActivationQuantization) {
        self.weights = weights
        self.bias = bias
        self.input = input
    }
}

extension Tensor {
    /// Rows of a block of the fused feed-forward pass: its scratch stays in the first-level cache.
    static let feedForwardBlock = 32

    /// x + second(GELU(first(LayerNorm(x)))), the feed-forward half of a pre-norm transformer block,
    /// with both products in int8 on static input codes, for inference (records no gradient).
    /// x: [.., D] → [.., D]; first: [H, D] weights, second: [D, H].
    ///
    /// Runs block by block of rows, each block normalised, quantized, multiplied, passed through
    /// GELU's short form, quantized and multiplied again while in cache: the normalised rows and the
    /// hidden activations are never stored. The values equal `layerNorm`, `int8Linear(activation:
    /// .gelu)` and `int8Linear(residual:)` in turn, bit for bit.
    public static func int8FeedForward(_ x: Tensor, normWeight: Tensor, normBias: Tensor, epsilon: Float,
                                       first: Int8Product, second: Int8Product) -> Tensor {
        let d = x.shape.last ?? 1, hidden = first.weights.outputs
        precondition(normWeight.shape == [d] && normBias.shape == [d], "int8 feed-forward of \(x.shape) needs norm weight and bias [\(d)]")
        precondition(first.weights.inputs == d && second.weights.inputs == hidden && second.weights.outputs == d,
                     "int8 feed-forward of width \(d) cannot take products \(first.weights.outputs)×\(first.weights.inputs) "
                        + "and \(second.weights.outputs)×\(second.weights.inputs)")
        precondition(first.bias.map { $0.count == hidden } ?? true && second.bias.map { $0.count == d } ?? true,
                     "int8 feed-forward biases do not match products of \(hidden) and \(d) outputs")
        let m = x.count / max(d, 1)
        let (ldNormal, ldHidden) = ((d + 3) & ~3, (hidden + 3) & ~3)
        let block = feedForwardBlock
        let (firstScale, firstZero) = ([first.input.scale], [first.input.zeroPoint])
        let (secondScale, secondZero) = ([second.input.scale], [second.input.zeroPoint])
        let (firstBias, secondBias) = (first.bias?.storage ?? [], second.bias?.storage ?? [])

        let out = uninitializedStorage(m * d) { o in
            x.storage.withUnsafeBufferPointer { xp in
            normWeight.storage.withUnsafeBufferPointer { w in
            normBias.storage.withUnsafeBufferPointer { b in
            first.weights.withPacked(rows: 0..<hidden) { packed1, sums1 in
            second.weights.withPacked(rows: 0..<d) { packed2, sums2 in
            first.weights.scales.withUnsafeBufferPointer { channelScale1 in
            second.weights.scales.withUnsafeBufferPointer { channelScale2 in
            firstBias.withUnsafeBufferPointer { bias1 in
            secondBias.withUnsafeBufferPointer { bias2 in
                let (biasPointer1, biasPointer2) = (bias1.isEmpty ? nil : bias1.baseAddress, bias2.isEmpty ? nil : bias2.baseAddress)
                Parallel.forEachRange(m, grain: m * d * hidden < BLAS.parallelThreshold ? m : block) { range in
                    // Every element a step reads is written by the step before it (codes with their padding).
                    let normal = UnsafeMutablePointer<Float>.allocate(capacity: block * d + 2 * block + 2 * block * hidden)
                    let (statistics, products) = (normal + block * d, normal + block * d + 2 * block)
                    let activations = products + block * hidden
                    let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: block * (ldNormal + ldHidden))
                    let hiddenCodes = codes + block * ldNormal
                    defer { normal.deallocate(); codes.deallocate() }
                    for row in Swift.stride(from: range.lowerBound, to: range.upperBound, by: block) {
                        let count = min(block, range.upperBound - row)
                        condenser_layer_norm(xp.baseAddress! + row * d, normal, count, d, w.baseAddress!, b.baseAddress!, epsilon,
                                             statistics, Int32(CONDENSER_VECTOR_BEST))
                        condenser_quantize_rows(normal, count, d, d, firstScale, firstZero, 0, codes, ldNormal, 0)
                        condenser_qgemm(codes, ldNormal, count, packed1, sums1, hidden, d, firstScale, firstZero, 0,
                                        channelScale1.baseAddress!, biasPointer1, nil, 0, products, hidden)
                        condenser_gelu_short(products, activations, count * hidden)
                        condenser_quantize_rows(activations, count, hidden, hidden, secondScale, secondZero, 0, hiddenCodes, ldHidden, 0)
                        condenser_qgemm(hiddenCodes, ldHidden, count, packed2, sums2, d, hidden, secondScale, secondZero, 0,
                                        channelScale2.baseAddress!, biasPointer2, xp.baseAddress! + row * d, d,
                                        o.baseAddress! + row * d, d)
                    }
                }
            } } } } } } } } }
        }
        return Tensor(shape: x.shape, storage: out)
    }
}
