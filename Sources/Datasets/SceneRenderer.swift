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

    /// Object centres lie on this grid: the 4-pixel patch grid of the reference models.
    static let gridStep = 4

    /// Places up to four objects in distinct, randomly chosen quadrants of the image, centred on
    /// the patch grid, so that no 4×4 patch shows parts of two objects; an object with room to
    /// spare moves by whole grid steps within its quadrant while staying clear of the others
    /// (centres at least r₁ + r₂ + 1 apart).
    static func place(_ objects: [SceneObject], size: Int, generator: inout RandomGenerator) -> [SceneObject] {
        precondition(objects.count <= 4, "a scene has at most 4 objects, one a quadrant")
        let cell = size / 2
        var quadrants = [0, 1, 2, 3]
        var placed: [SceneObject] = []
        for var object in objects {
            let quadrant = quadrants.remove(at: generator.integer(below: quadrants.count))
            let (centreX, centreY) = (Float((quadrant % 2) * cell + cell / 2), Float((quadrant / 2) * cell + cell / 2))
            let room = Int(((Float(cell) / 2 - object.radius) / Float(gridStep)).rounded(.down))
            let offsets = room > 0 ? (-room...room).map { Float($0 * gridStep) } : [0]
            let moved = (0..<3).map { _ in
                (centreX + offsets[generator.integer(below: offsets.count)], centreY + offsets[generator.integer(below: offsets.count)])
            }
            // The last move drawn is tried first; the quadrant's centre, always clear (centres
            // 16 px apart, radii at most 6.5), is the fallback.
            let (x, y) = (moved.reversed() + [(centreX, centreY)]).first { x, y in
                placed.allSatisfy { other in
                    let (dx, dy) = (other.x - x, other.y - y)
                    return (dx * dx + dy * dy).squareRoot() >= other.radius + object.radius + 1
                }
            }!
            object.x = x; object.y = y
            placed.append(object)
        }
        return placed
    }
}
