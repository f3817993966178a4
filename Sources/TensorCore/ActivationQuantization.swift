/// How float activations become 8-bit codes for the int8 kernel: x ≈ scale · (q − zeroPoint)
/// with q in 0…255. A range that straddles zero keeps zero exact; one-sided ranges (after GELU,
/// after ReLU) spend all 256 codes on the side that occurs.
public struct ActivationQuantization: Equatable, Sendable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        precondition(scale > 0 && scale.isFinite, "activation scale must be positive and finite, got \(scale)")
        precondition((0...255).contains(zeroPoint), "activation zero point must lie in 0...255, got \(zeroPoint)")
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The codes covering [low, high], widened to include 0 (so zero stays exact):
    /// scale = (high − low) / 255, zeroPoint = round(−low / scale).
    public init(low: Float, high: Float) {
        let (lo, hi) = (min(low, 0), max(high, 0))
        let scale = hi > lo ? (hi - lo) / 255 : 1
        let zeroPoint = Int32(max(0, min(255, (-lo / scale).rounded())))
        self.init(scale: scale, zeroPoint: zeroPoint)
    }

    /// The float values the codes can represent: [scale·(0 − zp), scale·(255 − zp)].
    public var range: ClosedRange<Float> { scale * Float(-zeroPoint)...scale * Float(255 - zeroPoint) }

    /// x rounded to the nearest representable value (clamped to `range`): the error the int8 path adds.
    public func fakeQuantized(_ x: Float) -> Float {
        let q = max(Float(-zeroPoint), min(Float(255 - zeroPoint), (x * (1 / scale)).rounded(.toNearestOrEven)))
        return q * scale
    }
}
