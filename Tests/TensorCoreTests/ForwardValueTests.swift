import Foundation
import Testing
import TestSupport
@testable import TensorCore

/// Forward values against naive Double-precision loops.
@Suite struct ForwardValueTests {
    /// A weight keeps its packing across inference calls only while its values are unchanged: after
    /// an in-place write (as the optimizer makes) or a new storage, the product follows the new values.
    @Test func linearFollowsWeightWritesAfterKeepingItsPacking() {
        let x = randomTensor([3, 40], seed: 1), bias = randomTensor([70], seed: 3)
        let weight = Tensor(shape: [70, 40], storage: randomTensor([70, 40], seed: 2).storage, requiresGrad: true)
        func expected(rows: Range<Int>) -> [Float] {
            (0..<3).flatMap { i in
                rows.map { j in (0..<40).reduce(bias.storage[j]) { $0 + x.storage[i * 40 + $1] * weight.storage[j * 40 + $1] } }
            }
        }
        func check(_ note: String) {
            for rows in [0..<70, 32..<70, 0..<33] {
                let y = Tensor.withoutGradients { Tensor.linear(x, weight: weight, bias: bias, outputRows: rows) }
                for (got, want) in zip(y.storage, expected(rows: rows)) { #expect(abs(got - want) <= 1e-4, "\(note), rows \(rows)") }
            }
        }
        check("first call")
        check("packing kept")
        weight.storage.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= -0.5 } }
        check("after an in-place write")
        weight.storage = randomTensor([70, 40], seed: 4).storage
        check("after a new storage")
    }

    @Test func attentionMatchesNaiveLoop() {
        // Packed self-attention with a padding mask, against a direct per-head loop.
        let (batch, length, heads, d) = (2, 5, 2, 8)
        let headDim = d / heads
        let qkv = randomTensor([batch, length, 3 * d], seed: 31, scale: 2)
        let mask = (0..<(batch * length)).map { $0 % length < (($0 / length) == 0 ? 5 : 3) }
        let weights = Tensor.attentionWeights(query: qkv, queryOffset: 0, key: qkv, keyOffset: d, width: d, heads: heads, keyMask: mask)
        let context = Tensor.attentionContext(weights: weights, value: qkv, valueOffset: 2 * d, width: d)
        let x = qkv.storage.map(Double.init)
        func at(_ b: Int, _ t: Int, _ c: Int) -> Double { x[(b * length + t) * 3 * d + c] }
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<length {
                    var scores = [Double](repeating: -.infinity, count: length)
                    for j in 0..<length where mask[b * length + j] {
                        var dot = 0.0
                        for e in 0..<headDim { dot += at(b, i, h * headDim + e) * at(b, j, d + h * headDim + e) }
                        scores[j] = dot / Double(headDim).squareRoot()
                    }
                    let top = scores.max()!
                    let exps = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - top) }
                    let total = exps.reduce(0, +)
                    for j in 0..<length {
                        let p = weights.storage[((b * heads + h) * length + i) * length + j]
                        #expect(Swift.abs(Double(p) - exps[j] / total) < 1e-6)
                    }
                    for e in 0..<headDim {
                        var value = 0.0
                        for j in 0..<length { value += exps[j] / total * at(b, j, 2 * d + h * headDim + e) }
                        let got = context.storage[(b * length + i) * d + h * headDim + e]
                        #expect(Swift.abs(Double(got) - value) < 1e-5)
                    }
                }
            }
        }
    }

    @Test func fullyMaskedRowGivesZerosNotNaN() {
        let qkv = randomTensor([1, 2, 6], seed: 32)
        let w = Tensor.attentionWeights(query: qkv, queryOffset: 0, key: qkv, keyOffset: 2, width: 2, heads: 1, keyMask: [false, false])
        #expect(w.storage == [0, 0, 0, 0])
    }

    @Test func geluMatchesErfForm() {
        let x = Tensor(shape: [2001], storage: (0..<2001).map { Float($0 - 1000) / 100 })
        let y = x.gelu()
        for (input, output) in zip(x.storage, y.storage) {
            let v = Double(input)
            let expected = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
            #expect(Swift.abs(Double(output) - expected) < 2e-6 * max(1, Swift.abs(expected)), "gelu(\(input))")
        }
    }

    @Test func vectorExpIsAccurate() {
        for i in 0..<4000 {
            let x = Float(i - 2000) / 25
            let got = Double(VectorMath.exp(x)), expected = Foundation.exp(Double(x))
            #expect(Swift.abs(got - expected) <= 3e-7 * expected, "exp(\(x))")
        }
    }

    @Test func softmaxIsStableAndNormalised() {
        let x = Tensor(shape: [2, 3], storage: [1000, 1001, 1002, -5, 0, 5])
        let y = x.softmax(), logY = x.logSoftmax()
        for row in 0..<2 {
            let values = (0..<3).map { Double(x.storage[row * 3 + $0]) }
            let top = values.max()!
            let total = values.map { Foundation.exp($0 - top) }.reduce(0, +)
            for j in 0..<3 {
                let expected = Foundation.exp(values[j] - top) / total
                #expect(Swift.abs(Double(y.storage[row * 3 + j]) - expected) < 1e-6)
                #expect(Swift.abs(Double(logY.storage[row * 3 + j]) - Foundation.log(expected)) < 1e-5)
            }
        }
    }

    @Test func layerNormMatchesDefinition() {
        let x = randomTensor([3, 16], seed: 33, scale: 4), w = randomTensor([16], seed: 34), b = randomTensor([16], seed: 35)
        let y = Tensor.layerNorm(x, weight: w, bias: b)
        for row in 0..<3 {
            let values = (0..<16).map { Double(x.storage[row * 16 + $0]) }
            let mean = values.reduce(0, +) / 16
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            for j in 0..<16 {
                let expected = (values[j] - mean) / (variance + 1e-5).squareRoot() * Double(w.storage[j]) + Double(b.storage[j])
                #expect(Swift.abs(Double(y.storage[row * 16 + j]) - expected) < 1e-5)
            }
        }
    }

    @Test func matmulMatchesNaiveLoop() {
        let a = randomTensor([2, 3, 4], seed: 36), b = randomTensor([2, 5, 4], seed: 37)
        let c = Tensor.matmul(a, b, transposeB: true)
        #expect(c.shape == [2, 3, 5])
        for n in 0..<2 { for i in 0..<3 { for j in 0..<5 {
            var total = 0.0
            for k in 0..<4 { total += Double(a.storage[(n * 3 + i) * 4 + k]) * Double(b.storage[(n * 5 + j) * 4 + k]) }
            #expect(Swift.abs(Double(c.storage[(n * 3 + i) * 5 + j]) - total) < 1e-5)
        } } }
    }

    @Test func broadcastShapes() {
        let a = Tensor(shape: [2, 1, 3], storage: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [2, 1], storage: [10, 20])
        let c = a + b
        #expect(c.shape == [2, 2, 3])
        #expect(c.storage == [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26])
        // A block repeated along leading axes ([B, P, D] with [P, D]), each operator, against a loop.
        let x = randomTensor([5, 4, 3], seed: 39), block = randomTensor([4, 3], seed: 40)
        for (result, f) in [(x + block, { (p: Float, q: Float) in p + q }), (x - block, { $0 - $1 }),
                            (x * block, { $0 * $1 }), (x / block, { $0 / $1 })] {
            #expect(result.shape == [5, 4, 3])
            #expect(result.storage == x.storage.indices.map { f(x.storage[$0], block.storage[$0 % 12]) })
        }
        // A value per row ([B, T, D] with [B, T, 1]), each operator, against a loop.
        let perRow = randomTensor([5, 4, 1], seed: 41)
        for (result, f) in [(x + perRow, { (p: Float, q: Float) in p + q }), (x - perRow, { $0 - $1 }),
                            (x * perRow, { $0 * $1 }), (x / perRow, { $0 / $1 })] {
            #expect(result.shape == [5, 4, 3])
            #expect(result.storage == x.storage.indices.map { f(x.storage[$0], perRow.storage[$0 / 3]) })
        }
    }

    @Test func permuteMatchesIndexing() {
        let x = Tensor(shape: [2, 3, 4], storage: (0..<24).map(Float.init))
        let y = x.permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        for i in 0..<4 { for j in 0..<2 { for k in 0..<3 {
            #expect(y.storage[(i * 2 + j) * 3 + k] == x.storage[(j * 3 + k) * 4 + i])
        } } }
    }

    @Test func inferenceBuildsNoGraph() {
        let w = randomTensor([4, 3], seed: 38)
        w.requiresGrad = true
        let x = randomTensor([2, 3], seed: 39)
        let y = Tensor.withoutGradients { Tensor.linear(x, weight: w, bias: nil).gelu() }
        #expect(!y.requiresGrad && y.parents.isEmpty && y.backwardFunction == nil)
        let z = Tensor.linear(x, weight: w, bias: nil)
        #expect(z.requiresGrad && z.parents.count == 2)
    }

    @Test func randomGeneratorIsDeterministic() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        // Pinned values: the stream must not change between versions or machines.
        var pinned = RandomGenerator(seed: 0)
        #expect(pinned.next() == 11_091_344_671_253_066_420)  // xoshiro256** reference, computed independently in Python
    }
}

import CKernels

@Suite struct KernelDispatchTests {
    /// The default and every vector path this CPU has.
    static let vectorPaths = [CONDENSER_VECTOR_BEST, CONDENSER_VECTOR_AVX2, CONDENSER_VECTOR_AVX512].map(Int32.init)
        .filter { condenser_vector_path_available($0) != 0 }

    @Test func everyGELUPathAgreesBitForBit() {
        // Values across the range, odd length so the vector loop's tail runs too, plus extremes.
        var x = (0..<4099).map { Float($0 - 2049) / 97 }
        x += [0, -0, 1e-30, -1e-30, 30, -30, 100, -100, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var (y1, d1) = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: x.count))
        var (y2, d2) = (y1, d1)
        condenser_gelu_on(Int32(CONDENSER_VECTOR_PORTABLE), x, &y2, &d2, x.count)
        for path in Self.vectorPaths {
            condenser_gelu_on(path, x, &y1, &d1, x.count)
            #expect(y1.map(\.bitPattern) == y2.map(\.bitPattern), "path \(path)")
            #expect(d1.map(\.bitPattern) == d2.map(\.bitPattern), "path \(path)")
        }
    }

    @Test func everyShortGELUPathAgreesBitForBitAndStaysNearGELU() {
        var x = (0..<16001).map { Float($0 - 8000) / 1000 }
        x += [0, -0, 1e-30, -1e-30, 30, -30, 100, -100, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var (y1, y2) = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: x.count))
        condenser_gelu_short_on(Int32(CONDENSER_VECTOR_PORTABLE), x, &y2, x.count)
        for path in Self.vectorPaths {
            condenser_gelu_short_on(path, x, &y1, x.count)
            #expect(y1.map(\.bitPattern) == y2.map(\.bitPattern), "path \(path)")
        }
        // Within 1.5e-6 of GELU, x·Φ(x) with Φ from Double's erf; x itself from 8 on, 0 from −8 down.
        for (value, short) in zip(x, y2) where abs(value) < 1e6 {
            let exact = 0.5 * Double(value) * (1 + erf(Double(value) / 2.0.squareRoot()))
            #expect(abs(Double(short) - exact) <= 1.5e-6, "x = \(value)")
            if value >= 8 || value <= -8 { #expect(short == (value > 0 ? value : 0), "x = \(value)") }
        }
        #expect(y2[x.count - 2] == .greatestFiniteMagnitude && y2[x.count - 1] == 0)
    }

    /// The float linear kernel on every path this CPU has: bit for bit the same as the portable
    /// code, and within rounding of a Double loop. Shapes cover full and partial 32-channel panels
    /// and 8- and 4-row tiles with their tails; x and y have leading dimensions wider than their rows.
    @Test(arguments: [(1, 5, 1), (7, 16, 33), (19, 64, 96), (8, 3, 32)]) func everyLinearPathAgreesWithAReference(m: Int, k: Int, n: Int) {
        var generator = RandomGenerator(seed: UInt64(m * 1000 + k * 10 + n))
        let (ldx, ldy) = (k + 3, n + 2)
        let x = (0..<(m * ldx)).map { _ in generator.uniform(-2, 2) }
        let w = (0..<(n * k)).map { _ in generator.uniform(-1, 1) }
        let bias = (0..<n).map { _ in generator.uniform(-1, 1) }
        let residual = (0..<(m * n)).map { _ in generator.uniform(-1, 1) }
        var packed = [Float](repeating: .nan, count: condenser_linear_packed_count(n, k))
        condenser_linear_pack(w, n, k, &packed)
        func run(_ path: Int32) -> [Float] {
            var y = [Float](repeating: -7, count: m * ldy)
            condenser_linear(x, ldx, m, packed, n, k, bias, residual, n, &y, ldy, path)
            return y
        }
        let portable = run(Int32(CONDENSER_VECTOR_PORTABLE))
        for path in Self.vectorPaths { #expect(run(path).map(\.bitPattern) == portable.map(\.bitPattern), "path \(path)") }
        for i in 0..<m {
            for j in 0..<n {
                var sum = Double(bias[j]) + Double(residual[i * n + j])
                for kk in 0..<k { sum += Double(x[i * ldx + kk]) * Double(w[j * k + kk]) }
                #expect(abs(Double(portable[i * ldy + j]) - sum) <= 1e-5 * Double(k + 2), "y[\(i), \(j)]")
            }
            // The padding columns past n stay untouched.
            #expect(portable[(i * ldy + n)..<((i + 1) * ldy)].allSatisfy { $0 == -7 })
        }
    }

    /// LayerNorm rows on every path this CPU has: bit for bit the same, and within rounding of a
    /// Double reference, for widths with and without a tail past the last 8 or 16 lanes.
    @Test(arguments: [1, 7, 16, 24, 32, 67]) func everyLayerNormPathAgreesWithAReference(n: Int) {
        var generator = RandomGenerator(seed: UInt64(100 + n))
        let rows = 19  // two groups of 8 rows and 3 more
        let x = (0..<(rows * n)).map { _ in generator.uniform(-3, 5) }
        let weight = (0..<n).map { _ in generator.uniform(0.5, 1.5) }, bias = (0..<n).map { _ in generator.uniform(-1, 1) }
        func run(_ path: Int32) -> [Float] {
            var (y, statistics) = ([Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: 2 * rows))
            condenser_layer_norm(x, &y, rows, n, weight, bias, 1e-5, &statistics, path)
            return y + statistics
        }
        let portable = run(Int32(CONDENSER_VECTOR_PORTABLE))
        for path in Self.vectorPaths { #expect(run(path).map(\.bitPattern) == portable.map(\.bitPattern), "path \(path)") }
        for r in 0..<rows {
            let row = x[(r * n)..<((r + 1) * n)].map(Double.init)
            let mean = row.reduce(0, +) / Double(n)
            let inverse = 1 / (row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n) + 1e-5).squareRoot()
            #expect(abs(Double(portable[rows * n + 2 * r]) - mean) <= 1e-5)
            #expect(abs(Double(portable[rows * n + 2 * r + 1]) - inverse) <= 1e-4 * inverse)
            for j in 0..<n {
                let expected = (row[j] - mean) * inverse * Double(weight[j]) + Double(bias[j])
                #expect(abs(Double(portable[r * n + j]) - expected) <= 1e-5, "row \(r), column \(j)")
            }
        }
    }

    /// Softmax rows on every path this CPU has (portable, AVX2, AVX-512): bit for bit the same, and within 1e-6 of a
    /// Double reference; masked (−∞) entries give 0, an all-masked row zeros, and rows of 1 to 91
    /// values exercise the 16- and 8-lane loops and their tails.
    @Test(arguments: [1, 7, 8, 24, 64, 67, 91]) func everySoftmaxPathAgreesWithAReference(n: Int) {
        var generator = RandomGenerator(seed: UInt64(n))
        let rows = 5
        var x = (0..<(rows * n)).map { _ in generator.uniform(-30, 30) }
        for j in stride(from: 1, to: n, by: 3) { x[n + j] = -.infinity }  // row 1: every third key masked
        for j in 0..<n { x[2 * n + j] = -.infinity }  // row 2: every key masked
        x[3 * n] = 80  // row 3: one entry far above the rest
        var (vector, portable) = ([Float](repeating: .nan, count: x.count), [Float](repeating: .nan, count: x.count))
        condenser_softmax_rows(x, &vector, rows, n, Int32(CONDENSER_VECTOR_BEST))
        condenser_softmax_rows(x, &portable, rows, n, Int32(CONDENSER_VECTOR_PORTABLE))
        for path in Self.vectorPaths {
            var y = [Float](repeating: .nan, count: x.count)
            condenser_softmax_rows(x, &y, rows, n, path)
            #expect(y.map(\.bitPattern) == portable.map(\.bitPattern), "path \(path)")
        }
        for r in 0..<rows {
            let row = x[(r * n)..<((r + 1) * n)].map(Double.init)
            let top = row.max()!
            let e = row.map { $0 == -.infinity ? 0 : Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for j in 0..<n {
                let expected = top == -.infinity ? 0 : e[j] / total
                #expect(abs(Double(vector[r * n + j]) - expected) <= 1e-6 * expected + 1e-12,
                        "row \(r), column \(j): \(vector[r * n + j]) against \(expected)")
            }
        }
    }
}
