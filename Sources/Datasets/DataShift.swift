import Checkpoint
import TensorCore

/// A distribution shift applied to a dataset's samples, to test a drift monitor against data that
/// is not what the model learnt from (`condenser data shapes --shift KIND`). Deterministic for a seed.
public enum DataShift: String, CaseIterable, Sendable {
    /// Every pixel tinted towards one colour (a lighting or white-balance change).
    case colourCast = "colour-cast"
    /// Heavy Gaussian pixel noise (σ = 40 of 255).
    case noise
    /// A 5×5 box blur.
    case blur
    /// Unseen clutter: thin random lines in colours outside the task's palette.
    case clutter
    /// Images paired with another sample's question and answer (a broken upstream join).
    case mismatched

    /// `data` with the shift applied; questions and answers unchanged except for `mismatched`.
    public func apply(to data: MultimodalDataset, seed: UInt64) -> MultimodalDataset {
        var generator = RandomGenerator(seed: seed)
        var images = data.images, captions = data.captions
        let (height, width) = (data.imageHeight, data.imageWidth)
        let pixels = height * width
        switch self {
        case .colourCast:
            let tint: [Double] = [255, 160, 40]
            for i in 0..<(data.count * pixels) {
                for c in 0..<3 { images[3 * i + c] = Self.clamp(0.6 * Double(images[3 * i + c]) + 0.4 * tint[c]) }
            }
        case .noise:
            for i in images.indices { images[i] = Self.clamp(Double(images[i]) + 40 * Double(generator.normal())) }
        case .blur:
            for sample in 0..<data.count {
                let base = sample * pixels * 3
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<3 {
                            var total = 0, count = 0
                            for dy in -2...2 {
                                for dx in -2...2 where (0..<height).contains(y + dy) && (0..<width).contains(x + dx) {
                                    total += Int(data.images[base + ((y + dy) * width + x + dx) * 3 + c])
                                    count += 1
                                }
                            }
                            images[base + (y * width + x) * 3 + c] = UInt8(total / count)
                        }
                    }
                }
            }
        case .clutter:
            for sample in 0..<data.count {
                let base = sample * pixels * 3
                for _ in 0..<4 {
                    let colour = [UInt8(generator.integer(below: 64)), UInt8(128 + generator.integer(below: 64)),
                                  UInt8(generator.integer(below: 256))]
                    let horizontal = generator.integer(below: 2) == 0
                    let at = generator.integer(below: horizontal ? height : width)
                    for step in 0..<(horizontal ? width : height) {
                        let (y, x) = horizontal ? (at, step) : (step, at)
                        for c in 0..<3 { images[base + (y * width + x) * 3 + c] = colour[c] }
                    }
                }
            }
        case .mismatched:
            // A derangement: a rotation of a shuffled order, so no image keeps its own question.
            var order = Array(0..<data.count)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, generator.integer(below: i + 1)) }
            let imageBytes = pixels * 3
            for (position, sample) in order.enumerated() {
                let source = order[(position + 1) % order.count]
                images.replaceSubrange((sample * imageBytes)..<((sample + 1) * imageBytes),
                                       with: data.images[(source * imageBytes)..<((source + 1) * imageBytes)])
                // A caption describes its image, so it moves with it.
                if let original = data.captions {
                    let length = data.captionLength
                    captions!.replaceSubrange((sample * length)..<((sample + 1) * length),
                                              with: original[(source * length)..<((source + 1) * length)])
                }
            }
        }
        // Same shapes and ranges as `data`, so the checks cannot fail.
        return try! MultimodalDataset(images: images, count: data.count, imageHeight: height, imageWidth: width, tokens: data.tokens,
                                      textLength: data.textLength, labels: data.labels, vocab: data.vocab, answers: data.answers,
                                      source: "\(data.source) shifted by \(rawValue)", captions: captions,
                                      captionLength: data.captionLength)
    }

    static func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
}
