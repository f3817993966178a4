import Foundation

/// Deterministic pseudo-random numbers (xoshiro256**, seeded through SplitMix64): the same seed
/// gives the same stream on every machine, independent of the system generator.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUnit()
    }

    /// Standard normal (Box–Muller; one draw per call).
    public mutating func normal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53, u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * Foundation.log(1 - u1)).squareRoot()
        return Float(radius * Foundation.cos(2 * Double.pi * u2))
    }

    /// A uniform integer in 0..<bound.
    public mutating func integer(below bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }
}

extension Tensor {
    /// Elements uniform in [-bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, generator: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = generator.uniform(-bound, bound) }
        return Tensor(shape: shape, storage: values, requiresGrad: requiresGrad)
    }

    /// Elements normal with the given standard deviation.
    public static func normal(_ shape: [Int], standardDeviation: Float, generator: inout RandomGenerator,
                              requiresGrad: Bool = false) -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = generator.normal() * standardDeviation }
        return Tensor(shape: shape, storage: values, requiresGrad: requiresGrad)
    }
}




