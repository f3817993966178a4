import Benchmarking
import CKernels
import Foundation
import Models
import TensorCore

/// int8 against float32 at batch 32, for each Linear shape of a model: the bare kernels (int8
/// codes and packed weights ready, against `cblas_sgemm`), and the ops the model runs (input
/// quantization, product, rescale and bias, against sgemm plus bias); then whole-model forward
/// latency with every weight product in int8. Runs alternate so both see the same machine load.
extension CoreBench {
    func benchmarkInt8(name: String, config: ModelConfig) {
        let batch = 32
        let (p, l) = (batch * config.patchCount, batch * config.maxTextLen)
        var shapes: [(label: String, m: Int, k: Int, n: Int)] = [("patch_embed", p, config.patchFeatures, config.visionDim)]
        for (side, m, d) in [("vision", p, config.visionDim), ("text", l, config.textDim)] {
            shapes += [("\(side) in_proj", m, d, 3 * d), ("\(side) out_proj", m, d, d),
                       ("\(side) linear1", m, d, d * config.mlpRatio), ("\(side) linear2", m, d * config.mlpRatio, d)]
        }
        for shape in shapes {
            let (m, k, n) = (shape.m, shape.k, shape.n)
            let x = randomTensor([m, k], seed: 5)
            let weight = randomTensor([n, k], seed: 6, scale: 0.1)
            let bias = randomTensor([n], seed: 7)
            let int8 = Int8Weights.quantizing(weight)
            let input = ActivationQuantization(low: -1, high: 1)
            let kernel = Int8Kernel(m: m, n: n, k: k, weights: int8)
            let sgemm = SGEMMBaseline(m: m, n: n, k: k)
            let paths = int8Paths
            var runs: [() -> Void] = [{ sgemm.run() }] + paths.map { path in { kernel.run(path: path) } }
            runs += [{ _ = Tensor.linear(x, weight: weight, bias: bias) },
                     { _ = Tensor.int8Linear(x, weights: int8, bias: bias, input: input) }]
            var times = [[Double]](repeating: [], count: runs.count)
            for _ in 0..<warmup { runs.forEach { $0() } }
            for _ in 0..<iterations { for (i, run) in runs.enumerated() { times[i].append(WallClock.seconds(run)) } }
            let rate = times.map { 2 * Double(m * n * k) / median($0) / 1e9 }
            let kernels = paths.indices.map { String(format: "%@ %6.1f GOP/s (%.2f×)", pathName(paths[$0]),
                                                     rate[1 + $0], rate[1 + $0] / rate[0]) }
            let (float, quantized) = (rate[rate.count - 2], rate[rate.count - 1])
            print(String(format: "%@ int8 %-16@ %5d×%4d×%4d  kernel: sgemm %6.1f GFLOP/s, %@   op: float %6.1f, int8 %6.1f (%.2f×)",
                         name, shape.label, m, k, n, rate[0], kernels.joined(separator: ", "), float, quantized, quantized / float))
        }

        let floatModel = FusionModel(config: config, seed: 1), int8Model = FusionModel(config: config, seed: 1)
        for (_, layer) in int8Model.quantizableLayers {
            layer.int8 = Int8Linear(weights: .quantizing(layer.weightMatrix), input: ActivationQuantization(low: -4, high: 4))
        }
        // The int8 model on each path in turn, alternating with the float32 model.
        for batch in [1, 32] {
            let input = randomInput(config: config, batch: batch, seed: 2)
            var floatTimes: [Double] = [], int8Times = [[Double]](repeating: [], count: int8Paths.count)
            for path in int8Paths {
                _ = condenser_qgemm_select(path)
                for _ in 0..<warmup { _ = floatModel.predict(input); _ = int8Model.predict(input) }
            }
            for _ in 0..<iterations {
                for (index, path) in int8Paths.enumerated() {
                    _ = condenser_qgemm_select(path)
                    floatTimes.append(WallClock.seconds { _ = floatModel.predict(input) })
                    int8Times[index].append(WallClock.seconds { _ = int8Model.predict(input) })
                }
            }
            _ = condenser_qgemm_select(Int32(CONDENSER_QGEMM_BEST))
            let f = median(floatTimes)
            let rows = zip(int8Paths, int8Times).map { path, times in
                String(format: "int8 %@ p50 %7.3f ms (%.2f×)", pathName(path), median(times) * 1e3, median(times) / f)
            }
            print(String(format: "%@ int8 forward batch %2d: float32 p50 %7.3f ms  ", name, batch, f * 1e3) + rows.joined(separator: "  "))
        }
    }
}

/// The int8 product's paths to compare: AVX2 (or portable without it) and the best one, when that differs.
var int8Paths: [Int32] {
    let best = condenser_qgemm_best_path()
    let baseline = Int32(condenser_qgemm_path_available(Int32(CONDENSER_QGEMM_AVX2)) != 0 ? CONDENSER_QGEMM_AVX2 : CONDENSER_QGEMM_PORTABLE)
    return best == baseline ? [best] : [baseline, best]
}

func pathName(_ path: Int32) -> String { String(cString: condenser_qgemm_path_name(path)) }

/// The bare int8 product C[m, n] = codes[m, k]·Wᵀ rescaled to float, rows split across the
/// workers like `BLAS.gemm`.
final class Int8Kernel {
    let m: Int, n: Int, k: Int
    let codes: [UInt8], packed: [Int8], sums: [Int32], scales: [Float]
    var c: [Float]

    init(m: Int, n: Int, k: Int, weights: Int8Weights) {
        (self.m, self.n, self.k) = (m, n, k)
        var generator = RandomGenerator(seed: 8)
        let lda = (k + 3) & ~3
        codes = (0..<(m * lda)).map { $0 % lda < k ? UInt8(generator.integer(below: 128)) : 0 }
        var packed = [Int8](repeating: 0, count: condenser_qgemm_packed_count(n, k))
        var sums = [Int32](repeating: 0, count: n)
        condenser_qgemm_pack(weights.values, n, k, &packed, &sums)
        (self.packed, self.sums) = (packed, sums)
        scales = weights.scales
        c = [Float](repeating: 0, count: m * n)
    }

    func run(path: Int32) {
        let lda = (k + 3) & ~3
        codes.withUnsafeBufferPointer { a in packed.withUnsafeBufferPointer { w in sums.withUnsafeBufferPointer { sums in
        scales.withUnsafeBufferPointer { s in c.withUnsafeMutableBufferPointer { c in
            var (rowScale, zeroPoint): (Float, Int32) = (0.01, 64)
            Parallel.forEachRange(m, grain: 6) { rows in
                condenser_qgemm_on(path, a.baseAddress! + rows.lowerBound * lda, lda, rows.count, w.baseAddress!, sums.baseAddress!,
                                   n, k, &rowScale, &zeroPoint, 0, s.baseAddress!, nil, nil, 0, c.baseAddress! + rows.lowerBound * n, n)
            }
        } } } } }
    }
}

/// Uniform values in ±scale, deterministic for `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.uniform(-scale, scale) })
}
