/// One object of a scene: shape, colour and size indices into `ShapesVocabulary`, and its centre in pixels.
struct SceneObject {
    var shape: Int
    var color: Int
    var size: Int
    var x: Float = 0
    var y: Float = 0

    /// Radius in pixels of each size.
    static let radii: [Float] = [4, 6.5]
    var radius: Float { Self.radii[size] }

    /// Whether the pixel centre (px, py) lies inside the object.
    func contains(_ px: Float, _ py: Float) -> Bool {
        let (dx, dy, r) = (px - x, py - y, radius)
        switch shape {
        case 0: return dx * dx + dy * dy <= r * r                                 // circle
        case 1: return Swift.abs(dx) <= 0.85 * r && Swift.abs(dy) <= 0.85 * r     // square
        case 2: return dy <= 0.8 * r && dy >= -r && Swift.abs(dx) <= (dy + r) / 1.8  // triangle, apex up
        default: return Swift.abs(dx) + Swift.abs(dy) <= r                        // diamond
        }
    }
}
