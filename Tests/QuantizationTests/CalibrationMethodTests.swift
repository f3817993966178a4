import Foundation
import Testing
@testable import Quantization
import TensorCore

/// Each calibration method's threshold on hand-made distributions.
@Suite struct CalibrationMethodTests {
    static func histogram(_ values: [Float]) -> ActivationHistogram {
        var h = ActivationHistogram(minimum: values.min()!, maximum: values.max()!)
        values.withUnsafeBufferPointer { h.add($0) }
        return h
    }

    @Test func histogramCountsMagnitudes() {
        let h = Self.histogram([-2, -1, 0, 1, 2, 2])
        #expect(h.total == 6)
        #expect(h.binWidth == Float(2) / 2048)
        #expect(h.counts[0] == 1)
        #expect(h.counts[1024] == 2)                 // |−1| and 1
        #expect(h.counts[ActivationHistogram.binCount - 1] == 3)  // 2 lands in the last bin
    }

    @Test func minMaxKeepsTheWholeRange() {
        let h = Self.histogram([-0.5, 0.25, 3])
        #expect(CalibrationMethod.minMax.threshold(for: h) == 3)
        let q = CalibrationMethod.minMax.quantization(for: h)
        #expect(q == ActivationQuantization(low: -0.5, high: 3))
    }

    @Test func percentileOfUniformMagnitudes() {
        // |x| uniform over 1…1000: the 99th percentile is 990, to within a bin.
        let values = (1...1000).map { Float($0) * ($0 % 2 == 0 ? 1 : -1) }
        let h = Self.histogram(values)
        let t = CalibrationMethod.percentile(99).threshold(for: h)
        #expect(abs(t - 990) <= h.binWidth + 1e-3)
        #expect(CalibrationMethod.percentile(100).threshold(for: h) == h.largestMagnitude)
    }

    @Test func mseChoosesTheThresholdWithTheLeastActualError() {
        // Heavy-tailed (Laplace) values: the best threshold clips some tail. Against the actual
        // squared error of every candidate, measured on the raw values.
        var g = RandomGenerator(seed: 1)
        let values = (0..<20_000).map { _ -> Float in
            let u = g.uniform(-0.5, 0.5)
            return -(u < 0 ? -1 : 1) * Foundation.log(1 - 2 * Swift.abs(u))
        }
        let h = Self.histogram(values)
        func actualError(_ t: Float) -> Double {
            let (low, high) = h.range(clippedAt: t)
            let q = ActivationQuantization(low: low, high: high)
            return values.reduce(0.0) { $0 + Double($1 - q.fakeQuantized($1)) * Double($1 - q.fakeQuantized($1)) }
        }
        let candidates = (1...200).map { h.largestMagnitude * Float($0) / 200 }
        let best = candidates.map(actualError).min()!
        let chosen = CalibrationMethod.meanSquaredError.threshold(for: h)
        #expect(chosen < h.largestMagnitude)  // it clips
        #expect(actualError(chosen) <= best * 1.05, "chosen \(chosen): \(actualError(chosen)) against the best \(best)")
    }

    @Test func entropyIgnoresARareOutlier() {
        var g = RandomGenerator(seed: 2)
        let values = (0..<10_000).map { _ in g.uniform(-1, 1) } + [100]
        let t = CalibrationMethod.entropy.threshold(for: Self.histogram(values))
        #expect(t >= 0.9 && t < 50, "entropy chose \(t)")
    }

    @Test func oneSidedInputsSpendEveryCodeOnTheirSide() {
        // After ReLU: nothing negative, so the zero point is 0 and all 128 codes cover [0, t].
        let h = Self.histogram((0...100).map { Float($0) / 100 })
        let q = CalibrationMethod.minMax.quantization(for: h)
        #expect(q.zeroPoint == 0)
        #expect(q.scale == Float(1) / 127)
    }
}
