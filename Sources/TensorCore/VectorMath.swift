/// SIMD kernels for the float loops of the tensor core: 8 lanes at a time, scalar tail.
public enum VectorMath {
    public typealias Vector = SIMD8<Float>

    /// dst[i] += src[i]
    @inlinable
    public static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let d = UnsafeMutableRawPointer(dst + i), s = UnsafeRawPointer(src + i)
            d.storeBytes(of: d.loadUnaligned(as: Vector.self) + s.loadUnaligned(as: Vector.self), as: Vector.self)
            i += 8
        }
        while i < count { dst[i] += src[i]; i += 1 }
    }

    /// The smallest and largest element of a non-empty buffer.
    public static func minimumAndMaximum(_ x: UnsafeBufferPointer<Float>) -> (minimum: Float, maximum: Float) {
        precondition(!x.isEmpty, "minimum and maximum of an empty buffer")
        var low = Vector(repeating: x[0]), high = low
        var i = 0
        while i + Vector.scalarCount <= x.count {
            let v = load(x.baseAddress! + i)
            low = pointwiseMin(low, v)
            high = pointwiseMax(high, v)
            i += Vector.scalarCount
        }
        var (minimum, maximum) = (low.min(), high.max())
        while i < x.count { minimum = Swift.min(minimum, x[i]); maximum = Swift.max(maximum, x[i]); i += 1 }
        return (minimum, maximum)
    }

    /// Loads 8 floats from `p` (no alignment required).
    @inline(__always) @inlinable
    public static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    /// Stores 8 floats at `p` (no alignment required).
    @inline(__always) @inlinable
    public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// e^x, relative error ~2e-7 on [-87, 88] (Cody–Waite range reduction, degree-5 minimax
    /// polynomial). Written with comparisons, selects and bit casts only: the generic SIMD
    /// rounding, clamping and conversion APIs do not compile to vector code.
    @inline(__always) @inlinable
    public static func exp(_ x: Vector) -> Vector {
        var x = x.replacing(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.3, where: x .> 88.3)
        // Adding 1.5·2²³ rounds to the nearest integer and leaves it in the low mantissa bits.
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    /// Scalar e^x through the vector kernel, so scalar tails round exactly like vector bodies.
    @inline(__always) @inlinable
    public static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }
}
