/// How float activations become unsigned 7-bit codes for the int8 kernel:
/// x ≈ scale · (q − zeroPoint) with q in 0…127 (7 bits keep the kernel's int16 pair sums exact;
/// see docs/quantization.md). A range that straddles zero keeps zero exact; one-sided ranges
/// (after GELU, after ReLU) spend all 128 codes on the side that occurs.
public struct ActivationQuantization: Equatable, Sendable {
    /// The largest code.
    public static let maximumCode: Int32 = 127

    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        precondition(scale > 0 && scale.isFinite, "activation scale must be positive and finite, got \(scale)")
        precondition((0...Self.maximumCode).contains(zeroPoint), "activation zero point must lie in 0...127, got \(zeroPoint)")
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The codes covering [low, high], widened to include 0 (so zero stays exact):
    /// scale = (high − low) / 127, zeroPoint = round(−low / scale), in float32.
    public init(low: Float, high: Float) {
        let (lo, hi) = (min(low, 0), max(high, 0))
        let top = Float(Self.maximumCode)
        let scale = hi > lo ? (hi - lo) / top : 1
        let zeroPoint = Int32(max(0, min(top, (-lo / scale).rounded())))
        self.init(scale: scale, zeroPoint: zeroPoint)
    }

    /// The float values the codes can represent: [scale·(0 − zp), scale·(127 − zp)].
    public var range: ClosedRange<Float> { scale * Float(-zeroPoint)...scale * Float(Self.maximumCode - zeroPoint) }

    /// x rounded to the nearest representable value (clamped to `range`): the error the int8 path adds.
    public func fakeQuantized(_ x: Float) -> Float {
        let q = max(Float(-zeroPoint), min(Float(Self.maximumCode - zeroPoint), (x * (1 / scale)).rounded(.toNearestOrEven)))
        return q * scale
    }
}
