import Testing
import TestSupport
@testable import TensorCore

/// Every differentiable op against central finite differences.
@Suite struct GradientTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmul(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [4, 3] : [3, 4], seed: 1)
        let b = randomTensor(transposeB ? [5, 4] : [4, 5], seed: 2)
        checkGradients([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test(arguments: [(false, false), (true, true)])
    func batchedMatmul(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [2, 4, 3] : [2, 3, 4], seed: 3)
        let b = randomTensor(transposeB ? [2, 5, 4] : [2, 4, 5], seed: 4)
        checkGradients([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
    }

    @Test func linear() {
        let x = randomTensor([2, 3, 4], seed: 5), w = randomTensor([6, 4], seed: 6), b = randomTensor([6], seed: 7)
        checkGradients([x, w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        // A block of rows, as nn.MultiheadAttention's packed projection uses.
        checkGradients([x, w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2], outputRows: 2..<5) }
        // A residual connection summed in the product's epilogue.
        let r = randomTensor([2, 3, 3], seed: 8)
        checkGradients([x, w, b, r]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2], outputRows: 2..<5, residual: $0[3]) }
        // GELU applied in the same pass: the separate ops' values exactly, and the right gradients.
        checkGradients([x, w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2], activation: .gelu) }
        #expect(Tensor.linear(x, weight: w, bias: b, activation: .gelu).storage == Tensor.linear(x, weight: w, bias: b).gelu().storage)
    }

    @Test func broadcastingArithmetic() {
        let a = randomTensor([2, 3, 4], seed: 8), b = randomTensor([3, 1], seed: 9)
        let c = randomTensor([2, 1, 4], seed: 10), positive = randomTensor([4], seed: 11).affine(scale: 0.5, shift: 1.5)
        positive.requiresGrad = false
        checkGradients([a, b]) { $0[0] + $0[1] }
        checkGradients([a, c]) { $0[0] - $0[1] }
        checkGradients([a, b]) { $0[0] * $0[1] }
        checkGradients([c, a]) { $0[0] * $0[1] }
        let d = Tensor(shape: positive.shape, storage: positive.storage)
        checkGradients([a, d]) { $0[0] / $0[1] }
        checkGradients([a]) { ($0[0] * 2.5 + 1) - 3 }
    }

    @Test func unaryMaps() {
        let x = randomTensor([3, 5], seed: 12)
        let positive = Tensor(shape: [3, 5], storage: x.storage.map { Swift.abs($0) + 0.5 })
        checkGradients([x]) { $0[0].exp() }
        checkGradients([positive]) { $0[0].log() }
        checkGradients([positive]) { $0[0].sqrt() }
        checkGradients([x]) { $0[0].squared() }
        checkGradients([positive]) { $0[0].abs() }
    }

    @Test func activations() {
        // Keep ReLU's inputs away from its kink at 0.
        let x = Tensor(shape: [4, 9], storage: randomTensor([4, 9], seed: 13, scale: 3).storage.map { $0 + ($0 >= 0 ? 0.05 : -0.05) })
        checkGradients([x]) { $0[0].relu() }
        checkGradients([x]) { $0[0].gelu() }
    }

    @Test func reductions() {
        let x = randomTensor([2, 3, 4], seed: 14)
        for axis in 0..<3 {
            checkGradients([x]) { $0[0].sum(axis: axis) }
            checkGradients([x]) { $0[0].mean(axis: axis, keepingAxis: true) }
        }
        checkGradients([x]) { $0[0].mean() }
    }

    @Test func softmaxAndLogSoftmax() {
        let x = randomTensor([3, 7], seed: 15, scale: 3)
        checkGradients([x]) { $0[0].softmax() }
        checkGradients([x]) { $0[0].logSoftmax() }
    }

    @Test func layerNorm() {
        let x = randomTensor([2, 3, 8], seed: 16, scale: 2), w = randomTensor([8], seed: 17), b = randomTensor([8], seed: 18)
        checkGradients([x, w, b]) { Tensor.layerNorm($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func shapeOps() {
        let x = randomTensor([2, 3, 4], seed: 19), y = randomTensor([2, 2, 4], seed: 20)
        checkGradients([x]) { $0[0].reshaped([6, 4]) }
        checkGradients([x]) { $0[0].permuted([2, 0, 1]) }
        checkGradients([x, y]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        checkGradients([x]) { $0[0].slice(axis: 2, 1..<3) }
        checkGradients([x]) { Tensor.concat($0[0].split(axis: 1, sizes: [1, 2]).reversed(), axis: 1) }
        let mask = Tensor(shape: [3, 1], storage: [1, 0, 1])
        checkGradients([x]) { $0[0].maskedFill(mask, with: -5) }
    }

    @Test func embedding() {
        let table = randomTensor([5, 3], seed: 21)
        checkGradients([table]) { Tensor.embedding($0[0], ids: [4, 0, 2, 4, 1, 4], idShape: [2, 3]) }
    }

    @Test func selfAttentionWithPackedProjectionAndMask() {
        // One [B, T, 3D] tensor supplies queries, keys and values; the last key of batch 1 is padding.
        let (heads, d) = (2, 4)
        let qkv = randomTensor([2, 3, 3 * d], seed: 22)
        let mask = [true, true, true, true, true, false]
        checkGradients([qkv]) {
            let w = Tensor.attentionWeights(query: $0[0], queryOffset: 0, key: $0[0], keyOffset: d, width: d, heads: heads, keyMask: mask)
            return Tensor.attentionContext(weights: w, value: $0[0], valueOffset: 2 * d, width: d)
        }
        checkGradients([qkv]) {
            Tensor.attentionWeights(query: $0[0], queryOffset: 0, key: $0[0], keyOffset: d, width: d, heads: heads, keyMask: mask)
        }
        // Both ops in one pass: the same values, and gradients through the context and the weights.
        let fused = Tensor.attention(query: qkv, queryOffset: 0, key: qkv, keyOffset: d, value: qkv, valueOffset: 2 * d,
                                     width: d, heads: heads, keyMask: mask)
        let weights = Tensor.attentionWeights(query: qkv, queryOffset: 0, key: qkv, keyOffset: d, width: d, heads: heads, keyMask: mask)
        #expect(fused.weights.storage == weights.storage)
        #expect(fused.context.storage == Tensor.attentionContext(weights: weights, value: qkv, valueOffset: 2 * d, width: d).storage)
        // Inference without the weights: the same context, an empty weights tensor; with gradients
        // recorded the weights stay (the context's gradient needs them).
        let lean = Tensor.withoutGradients {
            Tensor.withoutAttentionWeights {
                Tensor.attention(query: qkv, queryOffset: 0, key: qkv, keyOffset: d, value: qkv, valueOffset: 2 * d,
                                 width: d, heads: heads, keyMask: mask)
            }
        }
        #expect(lean.weights.shape == [0] && lean.context.storage == fused.context.storage)
        #expect(Tensor.withoutAttentionWeights {
            Tensor.attention(query: qkv, queryOffset: 0, key: qkv, keyOffset: d, value: qkv, valueOffset: 2 * d, width: d, heads: heads)
        }.weights.shape == [2, heads, 3, 3])
        checkGradients([qkv]) {
            let (w, c) = Tensor.attention(query: $0[0], queryOffset: 0, key: $0[0], keyOffset: d, value: $0[0], valueOffset: 2 * d,
                                          width: d, heads: heads, keyMask: mask)
            return c + (w * w).sum(axis: 3, keepingAxis: false).reshaped([2, 3, heads]).slice(axis: 2, 0..<1)
        }
    }

    @Test func pickedRows() {
        // Rows picked twice, never, or replaced by zeros (nil): values by index, gradients summed back.
        let x = randomTensor([4, 3], seed: 41)
        let picked = Tensor.pickingRows(x, sources: [2, nil, 0, 2])
        #expect(picked.storage == Array(x.storage[6..<9]) + [0, 0, 0] + Array(x.storage[0..<3]) + Array(x.storage[6..<9]))
        checkGradients([x]) { Tensor.pickingRows($0[0], sources: [2, nil, 0, 2]) }
    }

    @Test func crossAttention() {
        let (heads, d) = (2, 4)
        let q = randomTensor([2, 3, d], seed: 23), kv = randomTensor([2, 5, 2 * d], seed: 24)
        checkGradients([q, kv]) {
            let w = Tensor.attentionWeights(query: $0[0], queryOffset: 0, key: $0[1], keyOffset: 0, width: d, heads: heads)
            return Tensor.attentionContext(weights: w, value: $0[1], valueOffset: d, width: d)
        }
    }

    @Test func headGates() {
        let x = randomTensor([2, 3, 6], seed: 25), gates = randomTensor([3], seed: 26)
        checkGradients([x, gates]) { Tensor.scaleHeads($0[0], gates: $0[1]) }
    }

    @Test func composedGraphReusesTensors() {
        // x feeds two branches; gradients from both must add up.
        let x = randomTensor([2, 4], seed: 27), w = randomTensor([3, 4], seed: 28), b = randomTensor([3], seed: 29)
        checkGradients([x, w, b]) {
            let h = Tensor.linear($0[0], weight: $0[1], bias: $0[2]).gelu()
            return (h * h.softmax()).sum(axis: 1) + $0[0].mean(axis: 1)
        }
    }
}
