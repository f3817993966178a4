/// Places point labels of the chart where they cover neither a marker nor an earlier label, when
/// one of four spots around the point allows it (right above, right below, left above, left below).
struct ChartLabels {
    /// An axis-aligned rectangle in SVG coordinates (y grows downwards).
    struct Box {
        var left: Double, top: Double, right: Double, bottom: Double

        init(left: Double, top: Double, right: Double, bottom: Double) {
            (self.left, self.top, self.right, self.bottom) = (left, top, right, bottom)
        }

        init(centreX: Double, centreY: Double, width: Double, height: Double) {
            self.init(left: centreX - width / 2, top: centreY - height / 2, right: centreX + width / 2, bottom: centreY + height / 2)
        }

        func overlaps(_ other: Box) -> Bool {
            left < other.right && other.left < right && top < other.bottom && other.top < bottom
        }
    }

    /// Width of a character at the chart's 12 px font, a little generous.
    static let characterWidth = 7.0
    static let lineHeight = 12.0

    private var taken: [Box]
    private let bounds: (left: Double, top: Double, right: Double, bottom: Double)

    init(obstacles: [Box], bounds: (left: Double, top: Double, right: Double, bottom: Double)) {
        taken = obstacles
        self.bounds = bounds
    }

    /// Where to write `text` for the point at (x, y): the text's baseline position and anchor.
    mutating func place(_ text: String, x: Double, y: Double) -> (x: Double, y: Double, anchor: String) {
        let width = Double(text.count) * Self.characterWidth
        // (dx, baseline dy, anchor) of each spot, in order of preference.
        let spots: [(Double, Double, String)] = [(9, -6, "start"), (9, 16, "start"), (-9, -6, "end"), (-9, 16, "end")]
        func box(_ spot: (Double, Double, String)) -> Box {
            let left = spot.2 == "start" ? x + spot.0 : x + spot.0 - width
            return Box(left: left, top: y + spot.1 - Self.lineHeight + 2, right: left + width, bottom: y + spot.1 + 2)
        }
        let bounds = self.bounds, taken = self.taken
        func inside(_ candidate: Box) -> Bool {
            candidate.left >= bounds.left && candidate.right <= bounds.right
                && candidate.top >= bounds.top && candidate.bottom <= bounds.bottom
        }
        let chosen = spots.first { spot in
            let candidate = box(spot)
            return inside(candidate) && !taken.contains { $0.overlaps(candidate) }
        } ?? spots.first { inside(box($0)) } ?? spots[0]
        self.taken.append(box(chosen))
        return (x + chosen.0, y + chosen.1, chosen.2)
    }
}
