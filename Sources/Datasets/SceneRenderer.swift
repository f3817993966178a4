import TensorCore

/// Draws scenes as uint8 RGB images: a tinted noisy background, a few grey specks of clutter,
/// then each object in its colour with a random jitter.
enum SceneRenderer {
    static let palette: [SIMD3<Float>] = [[220, 40, 40], [40, 180, 60], [50, 80, 230], [230, 210, 40], [150, 60, 200], [245, 140, 30]]

    /// [size, size, 3] bytes, row-major.
    static func render(_ objects: [SceneObject], size: Int, generator: inout RandomGenerator) -> [UInt8] {
        var pixels = [Float](repeating: 0, count: size * size * 3)
        let background = SIMD3<Float>(generator.uniform(10, 70), generator.uniform(10, 70), generator.uniform(10, 70))
        for i in 0..<(size * size) {
            for c in 0..<3 { pixels[i * 3 + c] = background[c] + generator.uniform(-12, 12) }
        }
        for _ in 0..<(2 + generator.integer(below: 4)) {
            // Clutter: small grey specks that belong to no object.
            let (sx, sy) = (generator.integer(below: size - 1), generator.integer(below: size - 1))
            let grey = generator.uniform(80, 170)
            for dy in 0..<2 { for dx in 0..<2 where generator.nextUnit() < 0.7 {
                for c in 0..<3 { pixels[((sy + dy) * size + sx + dx) * 3 + c] = grey }
            } }
        }
        for object in objects {
            let color = palette[object.color] + SIMD3(generator.uniform(-25, 25), generator.uniform(-25, 25), generator.uniform(-25, 25))
            let r = Int(object.radius.rounded(.up)) + 1
            for py in max(0, Int(object.y) - r)...min(size - 1, Int(object.y) + r) {
                for px in max(0, Int(object.x) - r)...min(size - 1, Int(object.x) + r)
                where object.contains(Float(px) + 0.5, Float(py) + 0.5) {
                    for c in 0..<3 { pixels[(py * size + px) * 3 + c] = color[c] + generator.uniform(-10, 10) }
                }
            }
        }
        return pixels.map { UInt8(max(0, min(255, $0.rounded()))) }
    }

    /// Places objects at random without overlap (centres at least r₁ + r₂ + 1 apart, fully inside
    /// the image); returns nil when random placement fails, so the caller draws a new scene.
    static func place(_ objects: [SceneObject], size: Int, generator: inout RandomGenerator) -> [SceneObject]? {
        var placed: [SceneObject] = []
        for var object in objects {
            var attempts = 0
            repeat {
                attempts += 1
                if attempts > 200 { return nil }
                let r = object.radius
                object.x = generator.uniform(r, Float(size) - r)
                object.y = generator.uniform(r, Float(size) - r)
            } while placed.contains { other in
                let (dx, dy) = (other.x - object.x, other.y - object.y)
                return (dx * dx + dy * dy).squareRoot() < other.radius + object.radius + 1
            }
            placed.append(object)
        }
        return placed
    }
}
