import CKernels
import Testing
import TestSupport
@testable import TensorCore

/// The int8 GEMM and activation quantization against scalar references, on every code path this
/// CPU has (portable, AVX2, AVX-VNNI, AVX512-VNNI).
@Suite struct Int8KernelTests {
    /// The product's paths this machine runs, portable first.
    static let paths = [CONDENSER_QGEMM_PORTABLE, CONDENSER_QGEMM_AVX2, CONDENSER_QGEMM_AVXVNNI, CONDENSER_QGEMM_AVX512VNNI]
        .map(Int32.init).filter { condenser_qgemm_path_available($0) != 0 }

    /// Exact sums of A [m, k] (7-bit codes) times W [n, k]ᵀ (int8) by a naive loop.
    static func reference(_ a: [UInt8], _ w: [Int8], m: Int, n: Int, k: Int) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total: Int64 = 0
                for t in 0..<k { total += Int64(a[i * k + t]) * Int64(w[j * k + t]) }
                c[i * n + j] = Int32(total)
            }
        }
        return c
    }

    /// The kernel's int32 sums on `path`.
    static func kernel(_ a: [UInt8], _ w: [Int8], m: Int, n: Int, k: Int, path: Int32) -> [Int32] {
        let lda = (k + 3) & ~3
        var padded = [UInt8](repeating: 0, count: m * lda)
        for i in 0..<m { for t in 0..<k { padded[i * lda + t] = a[i * k + t] } }
        var packed = [Int8](repeating: 0, count: condenser_qgemm_packed_count(n, k))
        var sums = [Int32](repeating: 0, count: n)
        condenser_qgemm_pack(w, n, k, &packed, &sums)
        var c = [Int32](repeating: -1, count: m * n)
        condenser_qgemm_int32(padded, lda, m, packed, n, k, &c, n, path)
        return c
    }

    @Test(arguments: [(1, 1, 1), (5, 17, 3), (6, 16, 128), (13, 33, 129), (64, 384, 128), (7, 19, 514)])
    func sumsAreExactOnRandomInputs(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var g = RandomGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<(m * k)).map { _ in UInt8(g.integer(below: 128)) }
        let w = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: g.integer(below: 256) - 128) }
        let expected = Self.reference(a, w, m: m, n: n, k: k)
        for path in Self.paths { #expect(Self.kernel(a, w, m: m, n: n, k: k, path: path) == expected, "path \(path)") }
    }

    @Test func sumsAreExactAtTheExtremes() {
        // Every product at its largest magnitude: the int16 pair sums of vpmaddubsw reach
        // 2·127·128 = 32,512 here, just inside int16, and 8-bit codes would overflow them.
        let (m, n, k) = (7, 21, 515)
        for (av, wv) in [(UInt8(127), Int8(127)), (127, -127), (127, -128), (1, -128), (0, 127)] {
            let a = [UInt8](repeating: av, count: m * k), w = [Int8](repeating: wv, count: n * k)
            let expected = [Int32](repeating: Int32(av) * Int32(wv) * Int32(k), count: m * n)
            #expect(Self.reference(a, w, m: m, n: n, k: k) == expected)
            for path in Self.paths { #expect(Self.kernel(a, w, m: m, n: n, k: k, path: path) == expected, "path \(path)") }
        }
        // Alternating signs, so partial sums swing between the extremes.
        let a = (0..<(m * k)).map { UInt8($0 % 2 == 0 ? 127 : 0) }
        let w = (0..<(n * k)).map { Int8($0 % 3 == 0 ? -128 : 127) }
        let expected = Self.reference(a, w, m: m, n: n, k: k)
        for path in Self.paths { #expect(Self.kernel(a, w, m: m, n: n, k: k, path: path) == expected, "path \(path)") }
    }

    @Test func rowsWithOneScaleQuantizeAsEachRowAlone() {
        // Contiguous rows sharing a scale run as one long row; the codes must be those of each row.
        var g = RandomGenerator(seed: 9)
        let (m, k) = (5, 40)
        let x = (0..<(m * k)).map { _ in g.normal() * 20 }
        for path in Self.paths {
            var together = [UInt8](repeating: 99, count: m * k), alone = [UInt8](repeating: 99, count: m * k)
            condenser_quantize_rows(x, m, k, k, [0.37], [60], 0, &together, k, path)
            for r in 0..<m {
                x.withUnsafeBufferPointer { xp in
                    alone.withUnsafeMutableBufferPointer { q in
                        condenser_quantize_rows(xp.baseAddress! + r * k, 1, k, k, [0.37], [60], 0, q.baseAddress! + r * k, k, path)
                    }
                }
            }
            #expect(together == alone, "path \(path)")
        }
    }

    @Test func quantizedRowsRoundToNearestEvenAndClamp() {
        // Scale 1, zero point 64: codes are round(x) + 64 clamped to 0…127; 40 values cover the
        // 32-wide vector loop and a scalar tail.
        let special: [Float] = [0, 0.5, 1.5, 2.5, -0.5, -1.5, 300, -300, 1e9, -1e9, 7.49, 62.5, 63.5, -64.5, -63.5]
        let x = special + (0..<25).map { Float($0) * 5.25 - 60 }
        func code(_ v: Float) -> UInt8 { UInt8(max(-64, min(63, v.rounded(.toNearestOrEven))) + 64) }
        let expected = x.map(code) + [0, 0, 0, 0]
        #expect(expected[1] == 64 && expected[2] == 66 && expected[3] == 66 && expected[11] == 126 && expected[13] == 0)
        for path in Self.paths {
            var q = [UInt8](repeating: 99, count: 44)
            condenser_quantize_rows(x, 1, x.count, x.count, [1], [64], 0, &q, 44, path)
            #expect(q == expected, "path \(path)")
        }
    }

    @Test func floatOutputsAgreeBitForBitAcrossPaths() {
        let (m, n, k) = (11, 37, 70)
        var g = RandomGenerator(seed: 5)
        let x = (0..<(m * k)).map { _ in g.uniform(-3, 3) }
        let scales = (0..<m).map { _ in g.uniform(0.01, 0.05) }
        let zeroPoints = (0..<m).map { _ in Int32(g.integer(below: 128)) }
        let w = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: g.integer(below: 255) - 127) }
        let columnScales = (0..<n).map { _ in g.uniform(0.001, 0.02) }
        let bias = (0..<n).map { _ in g.uniform(-1, 1) }
        let residual = (0..<(m * n)).map { _ in g.uniform(-2, 2) }
        var packed = [Int8](repeating: 0, count: condenser_qgemm_packed_count(n, k))
        var sums = [Int32](repeating: 0, count: n)
        condenser_qgemm_pack(w, n, k, &packed, &sums)
        let lda = 72
        var outputs: [[Float]] = []
        for path in Self.paths {
            var q = [UInt8](repeating: 0, count: m * lda)
            condenser_quantize_rows(x, m, k, k, scales, zeroPoints, 1, &q, lda, path)
            var c = [Float](repeating: 0, count: m * n), summed = c
            condenser_qgemm_on(path, q, lda, m, packed, sums, n, k, scales, zeroPoints, 1, columnScales, bias, nil, 0, &c, n)
            outputs.append(c)
            // A residual is added to each output last.
            condenser_qgemm_on(path, q, lda, m, packed, sums, n, k, scales, zeroPoints, 1, columnScales, bias, residual, n, &summed, n)
            #expect(summed == zip(c, residual).map { $0 + $1 }, "path \(path) with a residual")
        }
        for (path, output) in zip(Self.paths, outputs) {
            #expect(output.map(\.bitPattern) == outputs[0].map(\.bitPattern), "path \(path) against portable")
        }
        // What runs by default is one of them.
        var c = [Float](repeating: 0, count: m * n)
        var q = [UInt8](repeating: 0, count: m * lda)
        condenser_quantize_rows(x, m, k, k, scales, zeroPoints, 1, &q, lda, 0)
        condenser_qgemm(q, lda, m, packed, sums, n, k, scales, zeroPoints, 1, columnScales, bias, nil, 0, &c, n)
        #expect(c.map(\.bitPattern) == outputs[0].map(\.bitPattern))
    }
}

/// Weight and activation quantization, and the int8 linear op, against float references.
@Suite struct Int8LinearTests {
    @Test func weightQuantizationErrorIsAtMostHalfAStep() {
        let weight = randomTensor([9, 23], seed: 3, scale: 2)
        weight.storage[5] = 0  // and a row of zeros keeps scale 1 and codes 0
        for i in 23..<46 { weight.storage[i] = 0 }
        let q = Int8Weights.quantizing(weight)
        let restored = q.dequantized()
        for o in 0..<9 {
            let row = weight.storage[(o * 23)..<((o + 1) * 23)]
            let largest = row.map(abs).max()!
            #expect(q.scales[o] == (largest > 0 ? largest / 127 : 1))
            for i in 0..<23 {
                #expect(abs(restored.storage[o * 23 + i] - weight.storage[o * 23 + i]) <= q.scales[o] / 2 * 1.0001)
                #expect((-127...127).contains(q.values[o * 23 + i]))
            }
        }
        #expect(q.values[23..<46].allSatisfy { $0 == 0 })
    }

    @Test func activationRangeIncludesZeroAndBoundsTheError() {
        let q = ActivationQuantization(low: 0.5, high: 2)  // widened to [0, 2]
        #expect(q.zeroPoint == 0)
        #expect(q.scale == Float(2) / 127)
        let signed = ActivationQuantization(low: -1, high: 3)
        #expect(signed.zeroPoint == 32)  // round(1 / (4/127)) = round(31.75)
        #expect(signed.fakeQuantized(0) == 0)
        for x: Float in stride(from: -0.99, through: 2.99, by: 0.137) {
            #expect(abs(signed.fakeQuantized(x) - x) <= signed.scale / 2 * 1.0001)
        }
    }

    /// y = x·Ŵᵀ + b in Double, with x replaced by its quantized values: what the int8 op must give.
    static func expected(_ x: Tensor, _ q: Int8Weights, _ bias: Tensor, _ rowQuantizations: [ActivationQuantization]) -> [Double] {
        let (m, n, k) = (x.count / q.inputs, q.outputs, q.inputs)
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            let a = rowQuantizations[rowQuantizations.count == 1 ? 0 : i]
            for j in 0..<n {
                var total = 0.0
                for t in 0..<k {
                    total += Double(a.fakeQuantized(x.storage[i * k + t])) * Double(q.values[j * k + t]) * Double(q.scales[j])
                }
                y[i * n + j] = total + Double(bias.storage[j])
            }
        }
        return y
    }

    @Test(arguments: [false, true])
    func int8LinearMatchesTheQuantizedReference(dynamic: Bool) {
        // 40 rows (split by rows across workers) and 3 rows (split by panels) of 90 inputs.
        for rows in [40, 3] {
            let x = randomTensor([rows, 90], seed: 8, scale: 3)
            let weight = randomTensor([50, 90], seed: 9, scale: 0.3)
            let bias = randomTensor([50], seed: 10)
            let q = Int8Weights.quantizing(weight)
            let input: ActivationQuantization? = dynamic ? nil : ActivationQuantization(low: -2.5, high: 2.5)
            let y = Tensor.int8Linear(x, weights: q, bias: bias, input: input)
            #expect(y.shape == [rows, 50])
            let perRow = input.map { [$0] } ?? Tensor.rowQuantizations(x.storage, rows: rows, columns: 90)
            let reference = Self.expected(x, q, bias, perRow)
            for (got, want) in zip(y.storage, reference) { #expect(abs(Double(got) - want) <= 1e-4 * max(1, abs(want))) }
            // A residual is added to exactly those outputs, on both splits.
            let residual = randomTensor([rows, 50], seed: 14)
            let summed = Tensor.int8Linear(x, weights: q, bias: bias, input: input, residual: residual)
            #expect(summed.storage == zip(y.storage, residual.storage).map { $0 + $1 })
            // So is GELU in its short form, the same values as the kernel on the outputs.
            let activated = Tensor.int8Linear(x, weights: q, bias: bias, input: input, activation: .gelu)
            var short = [Float](repeating: 0, count: y.count)
            condenser_gelu_short(y.storage, &short, y.count)
            #expect(activated.storage == short)
        }
    }

    @Test func outputRowsSelectChannelsOnAndOffPanelBoundaries() {
        let x = randomTensor([5, 24], seed: 11)
        let weight = randomTensor([48, 24], seed: 12)
        let bias = randomTensor([48], seed: 13)
        let q = Int8Weights.quantizing(weight)
        let input = ActivationQuantization(low: -3, high: 3)
        let all = Tensor.int8Linear(x, weights: q, bias: bias, input: input)
        for rows in [16..<48, 5..<29, 0..<7] {
            let part = Tensor.int8Linear(x, weights: q, bias: bias, input: input, outputRows: rows)
            for r in 0..<5 {
                for (j, column) in rows.enumerated() {
                    #expect(part.storage[r * rows.count + j] == all.storage[r * 48 + column])
                }
            }
        }
    }
}
