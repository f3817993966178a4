import Foundation
import Models
import TensorCore

/// int8 against float32: each Linear shape of a model at batch 32 (the op the model runs:
/// activation quantization, int8 product, rescale and bias, against BLAS sgemm plus bias), then
/// whole-model forward latency with every weight product in int8.
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
            let x = randomTensor([shape.m, shape.k], seed: 5)
            let weight = randomTensor([shape.n, shape.k], seed: 6, scale: 0.1)
            let bias = randomTensor([shape.n], seed: 7)
            let int8 = Int8Weights.quantizing(weight)
            let input = ActivationQuantization(low: -1, high: 1)
            var floatTimes: [Double] = [], int8Times: [Double] = []
            for _ in 0..<warmup { _ = Tensor.linear(x, weight: weight, bias: bias); _ = Tensor.int8Linear(x, weights: int8, bias: bias, input: input) }
            for _ in 0..<iterations {
                floatTimes.append(time { _ = Tensor.linear(x, weight: weight, bias: bias) })
                int8Times.append(time { _ = Tensor.int8Linear(x, weights: int8, bias: bias, input: input) })
            }
            let (f, q) = (percentile(floatTimes, 0.5), percentile(int8Times, 0.5))
            let ops = 2 * Double(shape.m * shape.n * shape.k)
            print(String(format: "%@ int8 linear %-16@ %5d×%4d×%4d: sgemm %6.1f GFLOP/s  int8 %6.1f GOP/s  speed-up %.2f×",
                         name, shape.label, shape.m, shape.k, shape.n, ops / f / 1e9, ops / q / 1e9, f / q))
        }

        let floatModel = FusionModel(config: config, seed: 1), int8Model = FusionModel(config: config, seed: 1)
        for (_, layer) in int8Model.quantizableLayers {
            layer.int8 = Int8Linear(weights: .quantizing(layer.weightMatrix), input: ActivationQuantization(low: -4, high: 4))
        }
        for batch in [1, 32] {
            let input = randomInput(config: config, batch: batch, seed: 2)
            var floatTimes: [Double] = [], int8Times: [Double] = []
            for _ in 0..<warmup { _ = floatModel.predict(input); _ = int8Model.predict(input) }
            for _ in 0..<iterations {
                floatTimes.append(time { _ = floatModel.predict(input) })
                int8Times.append(time { _ = int8Model.predict(input) })
            }
            let (f, q) = (percentile(floatTimes, 0.5), percentile(int8Times, 0.5))
            print(String(format: "%@ int8 forward batch %2d: float32 p50 %7.3f ms  int8 p50 %7.3f ms  (int8 / float32 = %.2f)",
                         name, batch, f * 1e3, q * 1e3, q / f))
        }
    }
}

/// Uniform values in ±scale, deterministic for `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in generator.uniform(-scale, scale) })
}
