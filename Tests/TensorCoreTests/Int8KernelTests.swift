import CKernels
import Testing
import TestSupport
@testable import TensorCore

/// The int8 GEMM and activation quantization against scalar references, on both code paths.
@Suite struct Int8KernelTests {
    /// Exact int32 sums of A [m, k] (int16 codes) times W [n, k]ᵀ (int8) by a naive loop.
    static func reference(_ a: [Int16], _ w: [Int8], m: Int, n: Int, k: Int) -> [Int32] {
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

    /// The kernel's int32 sums, on the AVX2 path (where the CPU has it) or the portable one.
    static func kernel(_ a: [Int16], _ w: [Int8], m: Int, n: Int, k: Int, portable: Bool) -> [Int32] {
        let lda = (k + 1) & ~1
        var padded = [Int16](repeating: 0, count: m * lda)
        for i in 0..<m { for t in 0..<k { padded[i * lda + t] = a[i * k + t] } }
        var packed = [Int16](repeating: 0, count: condenser_qgemm_packed_count(n, k))
        condenser_qgemm_pack(w, n, k, &packed)
        var c = [Int32](repeating: -1, count: m * n)
        condenser_qgemm_int32(padded, lda, m, packed, n, k, &c, n, portable ? 1 : 0)
        return c
    }

    @Test(arguments: [(1, 1, 1), (5, 17, 3), (6, 16, 128), (13, 33, 129), (64, 384, 128), (7, 19, 512)])
    func sumsAreExactOnRandomInputs(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var g = RandomGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<(m * k)).map { _ in Int16(g.integer(below: 511)) - 255 }
        let w = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: g.integer(below: 256) - 128) }
        let expected = Self.reference(a, w, m: m, n: n, k: k)
        #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: false) == expected)
        #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: true) == expected)
    }

    @Test func sumsAreExactAtTheExtremes() {
        // Every product at its largest magnitude: vpmaddubsw would saturate its int16 pair sums here.
        let (m, n, k) = (7, 21, 515)
        for (av, wv) in [(Int16(255), Int8(127)), (255, -127), (-255, -128), (255, -128), (-255, 127)] {
            let a = [Int16](repeating: av, count: m * k), w = [Int8](repeating: wv, count: n * k)
            let expected = [Int32](repeating: Int32(av) * Int32(wv) * Int32(k), count: m * n)
            #expect(Self.reference(a, w, m: m, n: n, k: k) == expected)
            #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: false) == expected)
            #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: true) == expected)
        }
        // Alternating signs, so partial sums swing between the extremes.
        let a = (0..<(m * k)).map { Int16($0 % 2 == 0 ? 255 : -255) }
        let w = (0..<(n * k)).map { Int8($0 % 3 == 0 ? -128 : 127) }
        let expected = Self.reference(a, w, m: m, n: n, k: k)
        #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: false) == expected)
        #expect(Self.kernel(a, w, m: m, n: n, k: k, portable: true) == expected)
    }

    @Test func quantizedRowsRoundToNearestEvenAndClamp() {
        let x: [Float] = [0, 0.5, 1.5, 2.5, -0.5, -1.5, 300, -300, 1e9, -1e9, 7.49, 127.5, -127.5, 3, 4, 5, 6, 7]
        let (scale, zeroPoint): (Float, Int32) = (1, 128)
        for portable in [false, true] {
            var q = [Int16](repeating: 99, count: 20)
            condenser_quantize_rows(x, 1, x.count, x.count, [scale], 0, [zeroPoint], 0, &q, 20, portable ? 1 : 0)
            let expected: [Int16] = [0, 0, 2, 2, 0, -2, 127, -128, 127, -128, 7, 127, -128, 3, 4, 5, 6, 7, 0, 0]
            #expect(q == expected, "portable: \(portable)")
        }
    }

    @Test func floatOutputsAgreeBitForBitAcrossPaths() {
        let (m, n, k) = (11, 37, 70)
        var g = RandomGenerator(seed: 5)
        let x = (0..<(m * k)).map { _ in g.uniform(-3, 3) }
        let scales = (0..<m).map { _ in g.uniform(0.001, 0.05) }
        let zeroPoints = (0..<m).map { _ in Int32(g.integer(below: 256)) }
        let w = (0..<(n * k)).map { _ in Int8(truncatingIfNeeded: g.integer(below: 255) - 127) }
        let columnScales = (0..<n).map { _ in g.uniform(0.001, 0.02) }
        let bias = (0..<n).map { _ in g.uniform(-1, 1) }
        var packed = [Int16](repeating: 0, count: condenser_qgemm_packed_count(n, k))
        condenser_qgemm_pack(w, n, k, &packed)
        var outputs: [[Float]] = []
        for portable in [0, 1] {
            var q = [Int16](repeating: 0, count: m * k)
            condenser_quantize_rows(x, m, k, k, scales, 1, zeroPoints, 1, &q, k, Int32(portable))
            var c = [Float](repeating: 0, count: m * n)
            if portable == 1 {
                condenser_qgemm_portable(q, k, m, packed, n, k, scales, 1, columnScales, bias, &c, n)
            } else {
                condenser_qgemm(q, k, m, packed, n, k, scales, 1, columnScales, bias, &c, n)
            }
            outputs.append(c)
        }
        #expect(outputs[0].map(\.bitPattern) == outputs[1].map(\.bitPattern))
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
        #expect(q.scale == Float(2) / 255)
        let signed = ActivationQuantization(low: -1, high: 3)
        #expect(signed.zeroPoint == 64)  // round(1 / (4/255)) = round(63.75)
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
