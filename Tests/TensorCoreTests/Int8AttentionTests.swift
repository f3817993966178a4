import CKernels
import Foundation
import Testing
import TestSupport
@testable import TensorCore

/// The int8 attention head (`condenser_int8_attention`) on every path this CPU has, against a
/// double-precision reference of its quantization and against float attention.
@Suite struct Int8AttentionTests {
    struct Head {
        let tq: Int, tk: Int, hd: Int
        /// Q [tq, hd], K and V [tk, hd], each row-major with a row stride of 3·hd + 1 (one packed
        /// projection with a spare column, as the model's [B, T, 3D] tensors are read).
        let q: [Float], k: [Float], v: [Float]
        let keep: [UInt8]?
        var stride: Int { 3 * hd + 1 }

        init(tq: Int, tk: Int, hd: Int, masked: Set<Int> = [], seed: UInt64) {
            var g = RandomGenerator(seed: seed)
            self.tq = tq; self.tk = tk; self.hd = hd
            let stride = 3 * hd + 1
            q = (0..<(tq * stride)).map { _ in g.normal() * 1.5 }
            k = (0..<(tk * stride)).map { _ in g.normal() }
            v = (0..<(tk * stride)).map { _ in g.normal() * 0.7 }
            keep = masked.isEmpty ? nil : (0..<tk).map { masked.contains($0) ? 0 : 1 }
        }

        var scale: Float { 1 / Float(hd).squareRoot() }

        /// The kernel on `path`: weights [tq, tk] (nil: not asked for) and context [tq, hd].
        func run(path: Int32, weights asked: Bool = true) -> (weights: [Float]?, context: [Float]) {
            var weights = [Float](repeating: .nan, count: asked ? tq * tk : 0)
            var context = [Float](repeating: .nan, count: tq * hd)
            var scratch = [UInt8](repeating: 0xAB, count: condenser_int8_attention_scratch(tq, tk, hd))
            weights.withUnsafeMutableBufferPointer { w in
                condenser_int8_attention(q, stride, tq, k, stride, v, stride, tk, hd, scale, keep, asked ? w.baseAddress : nil,
                                         &context, hd, &scratch, path)
            }
            return (asked ? weights : nil, context)
        }

        /// The documented scheme in Double: codes with one scale for the queries (±63), one for
        /// the keys (±127), one per value feature (±127); numerators exp(s − max) coded as
        /// round(127·e); weights e / Σe; context Σ codes·value codes, rescaled.
        /// `slack`: how far each context may be off because a numerator code within the short
        /// exponential's error (1.1e-4) of a rounding boundary may round the other way.
        func reference() -> (weights: [Double], context: [Double], slack: [Double]) {
            func codes(_ x: [Float], rows: Int, columns: Range<Int>, limit: Double) -> (codes: [[Double]], scale: Double) {
                let largest = (0..<rows).flatMap { r in columns.map { Double(abs(x[r * stride + $0])) } }.max() ?? 0
                let inverse = largest > 0 ? limit / largest : 0
                let c = (0..<rows).map { r in columns.map { (Double(x[r * stride + $0]) * inverse).rounded(.toNearestOrEven) } }
                return (c, largest / limit)
            }
            let (qc, qs) = codes(q, rows: tq, columns: 0..<hd, limit: 63)
            let (kc, ks) = codes(k, rows: tk, columns: 0..<hd, limit: 127)
            let valueCodes = (0..<hd).map { codes(v, rows: tk, columns: $0..<($0 + 1), limit: 127) }
            var weights: [Double] = [], context: [Double] = [], slack: [Double] = []
            for i in 0..<tq {
                let scores = (0..<tk).map { j -> Double in
                    guard keep?[j] ?? 1 == 1 else { return -.infinity }
                    return zip(qc[i], kc[j]).map(*).reduce(0, +) * qs * ks * Double(scale)
                }
                let maximum = scores.max()!
                let e = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - maximum) }
                let total = e.reduce(0, +)
                weights += e.map { total > 0 ? $0 / total : 0 }
                let p = e.map { ($0 * 127).rounded(.toNearestOrEven) }
                let ambiguous = e.map { abs($0 * 127 - ($0 * 127).rounded(.down) - 0.5) <= $0 * 127 * 1.2e-4 }
                for d in 0..<hd {
                    let n = (0..<tk).map { p[$0] * valueCodes[d].codes[$0][0] }.reduce(0, +)
                    let flips = (0..<tk).filter { ambiguous[$0] }.map { abs(valueCodes[d].codes[$0][0]) }.reduce(0, +)
                    context.append(total > 0 ? n * valueCodes[d].scale / (127 * total) : 0)
                    slack.append(total > 0 ? flips * valueCodes[d].scale / (127 * total) : 0)
                }
            }
            return (weights, context, slack)
        }
    }

    static let paths = [CONDENSER_QGEMM_PORTABLE, CONDENSER_QGEMM_AVX2, CONDENSER_QGEMM_AVXVNNI, CONDENSER_QGEMM_AVX512VNNI]
        .map(Int32.init).filter { condenser_qgemm_path_available($0) != 0 }

    static let shapes = [(64, 64, 8), (16, 64, 16), (5, 7, 4), (19, 33, 12), (16, 16, 8), (33, 18, 24), (1, 1, 8), (64, 64, 32),
                         (13, 21, 8)]

    @Test(arguments: shapes) func everyPathAgreesBitForBit(shape: (Int, Int, Int)) {
        let (tq, tk, hd) = shape
        for masked in [Set<Int>(), Set([0, tk / 2, tk - 1])] {
            let head = Head(tq: tq, tk: tk, hd: hd, masked: masked, seed: UInt64(tq * 100 + tk + hd))
            let portable = head.run(path: Int32(CONDENSER_QGEMM_PORTABLE))
            for path in Self.paths {
                let out = head.run(path: path)
                #expect(out.weights!.map(\.bitPattern) == portable.weights!.map(\.bitPattern), "weights, path \(path), \(shape)")
                #expect(out.context.map(\.bitPattern) == portable.context.map(\.bitPattern), "context, path \(path), \(shape)")
                #expect(head.run(path: path, weights: false).context.map(\.bitPattern) == out.context.map(\.bitPattern),
                        "context without weights, path \(path)")
            }
        }
    }

    @Test(arguments: shapes) func followsItsQuantizationScheme(shape: (Int, Int, Int)) {
        let (tq, tk, hd) = shape
        let head = Head(tq: tq, tk: tk, hd: hd, masked: tk > 2 ? [1] : [], seed: UInt64(7 + tq * tk * hd))
        let (weights, context, slack) = head.reference()
        for path in Self.paths {
            let out = head.run(path: path)
            // The short exponential is within 1.1e-4 of exp, in each numerator and in Σe.
            for (a, b) in zip(out.weights!, weights) { #expect(abs(Double(a) - b) <= 2e-4 * max(b, 1e-3), "weight \(a) vs \(b)") }
            for ((a, b), allowed) in zip(zip(out.context, context), slack) {
                #expect(abs(Double(a) - b) <= 2e-6 + 1.5e-4 * abs(b) + allowed, "context \(a) vs \(b), path \(path)")
            }
            if tk > 2 { for i in 0..<tq { #expect(out.weights![i * tk + 1] == 0, "masked key has weight") } }
        }
    }

    @Test func staysCloseToFloatAttention() {
        let head = Head(tq: 64, tk: 64, hd: 8, seed: 11)
        let float = Tensor.withoutGradients {
            let tensor = { (x: [Float], rows: Int) in Tensor(shape: [1, rows, head.stride], storage: x) }
            return Tensor.attention(query: tensor(head.q, head.tq), queryOffset: 0, key: tensor(head.k, head.tk), keyOffset: 0,
                                    value: tensor(head.v, head.tk), valueOffset: 0, width: head.hd, heads: 1)
        }
        let out = head.run(path: 0)
        let weightError = zip(out.weights!, float.weights.storage).map { abs($0 - $1) }.max()!
        let contextError = zip(out.context, float.context.storage).map { abs($0 - $1) }.max()!
        #expect(weightError < 0.02, "largest weight error \(weightError)")
        #expect(contextError < 0.05, "largest context error \(contextError)")
    }

    @Test func aRowWithEveryKeyMaskedGetsZeros() {
        let head = Head(tq: 3, tk: 5, hd: 8, masked: Set(0..<5), seed: 3)
        for path in Self.paths {
            let out = head.run(path: path)
            #expect(out.weights!.allSatisfy { $0 == 0 } && out.context.allSatisfy { $0 == 0 }, "path \(path)")
        }
    }

    @Test func tensorOpLeavesWeightsOutOnlyWhenAsked() {
        var g = RandomGenerator(seed: 5)
        let qkv = Tensor(shape: [2, 9, 48], storage: (0..<(2 * 9 * 48)).map { _ in g.normal() })
        let mask = (0..<18).map { $0 % 7 != 3 }
        let run = { Tensor.int8Attention(query: qkv, queryOffset: 0, key: qkv, keyOffset: 16, value: qkv, valueOffset: 32,
                                         width: 16, heads: 2, keyMask: mask) }
        let full = run(), lean = Tensor.withoutAttentionWeights(run)
        #expect(full.weights.shape == [2, 2, 9, 9] && lean.weights.shape == [0])
        #expect(full.context.shape == [2, 9, 16] && lean.context.storage == full.context.storage)
        #expect(Tensor.withoutAttentionWeights { Tensor.withAttentionWeights(run) }.weights.storage == full.weights.storage)
        // Each (batch, head) is the kernel run on that head's blocks of the packed projection.
        for b in 0..<2 {
            for h in 0..<2 {
                var weights = [Float](repeating: 0, count: 81), context = [Float](repeating: 0, count: 72)
                var scratch = [UInt8](repeating: 0, count: condenser_int8_attention_scratch(9, 9, 8))
                let keep = (0..<9).map { UInt8(mask[b * 9 + $0] ? 1 : 0) }
                qkv.storage.withUnsafeBufferPointer { x in
                    let base = x.baseAddress! + b * 9 * 48 + h * 8
                    condenser_int8_attention(base, 48, 9, base + 16, 48, base + 32, 48, 9, 8, 1 / Float(8).squareRoot(), keep,
                                             &weights, &context, 8, &scratch, 0)
                }
                #expect(Array(full.weights.storage[((b * 2 + h) * 81)..<((b * 2 + h + 1) * 81)]) == weights, "weights of \(b), \(h)")
                for i in 0..<9 {
                    let row = Array(full.context.storage[((b * 9 + i) * 16 + h * 8)..<((b * 9 + i) * 16 + h * 8 + 8)])
                    #expect(row == Array(context[(i * 8)..<(i * 8 + 8)]), "context of \(b), \(h), query \(i)")
                }
            }
        }
        #expect(full.weights.storage[(0 * 2 + 0) * 81 + 3] == 0, "masked key 3 of batch 0 has weight")
    }
}
