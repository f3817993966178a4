import Checkpoint
import TensorCore

/// The built-in `shapes` visual-question-answering task: 32×32 scenes of 1–4 objects (4 shapes,
/// 6 colours, 2 sizes) on a noisy background with clutter, each with one question that needs both
/// the picture and the words. Question kinds are equally frequent and, within a kind, every answer
/// is equally likely, so neither the question alone nor the picture alone can answer well.
///
/// Sample i depends only on (seed, i): the first n samples of a larger set equal a set of n.
public enum ShapesGenerator {
    public static let imageSize = 32
    public static let textLength = 16
    /// Tokens of a caption: four objects of four words and three relations of two.
    public static let captionLength = 24

    /// The question families, by the names recipes use.
    public enum Kind: String, CaseIterable, Sendable {
        case colorOf = "color", shapeOf = "shape", sizeOf = "size", countColor = "count_color", countShape = "count_shape"
        case exists, relation
    }

    /// Which questions a set asks: a subset of the kinds (equally frequent among themselves), and
    /// of the relation words (indices into `ShapesVocabulary.relations`). The default, every kind
    /// and word, is the task; subsets serve curricula (docs/shapes-task.md).
    public struct Questions: Sendable, Equatable {
        public var kinds: [Kind]
        public var relations: [Int]

        public init(kinds: [Kind] = Kind.allCases, relations: [Int] = Array(ShapesVocabulary.relations.indices)) {
            self.kinds = kinds
            self.relations = relations
        }

        public static let all = Questions()
    }

    /// `count` samples for `seed`, asking `questions`; with `captions`, each scene also described in
    /// words (`caption(of:)`). Captions take nothing from the random stream, so the samples are the
    /// same with and without them.
    public static func generate(count: Int, seed: UInt64, questions: Questions = .all, captions: Bool = false) -> MultimodalDataset {
        var images = [UInt8](), tokens = [Int32](), labels = [Int32](), captionTokens = [Int32]()
        images.reserveCapacity(count * imageSize * imageSize * 3)
        for index in 0..<count {
            var generator = RandomGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
            let sample = makeSample(generator: &generator, questions: questions)
            images += sample.image
            tokens += ShapesVocabulary.encode(sample.question, length: textLength)
            labels.append(ShapesVocabulary.label(sample.answer))
            if captions { captionTokens += ShapesVocabulary.encode(caption(of: sample.objects), length: captionLength) }
        }
        // The arrays are consistent by construction, so validation cannot fail.
        return try! MultimodalDataset(images: images, count: count, imageHeight: imageSize, imageWidth: imageSize,
                                      tokens: tokens, textLength: textLength, labels: labels,
                                      vocab: ShapesVocabulary.words, answers: ShapesVocabulary.answers,
                                      source: "shapes(count: \(count), seed: \(seed)\(questions.description))",
                                      captions: captions ? captionTokens : nil, captionLength: captionLength)
    }

    /// The scene in the task's words, left to right: each object as "a <size> <color> <shape>",
    /// joined by where the next one lies: "left of" when it is at least 2 px further right, else
    /// "above" or "below" — "a small red circle left of a large blue square".
    static func caption(of objects: [SceneObject]) -> [String] {
        let v = ShapesVocabulary.self
        let ordered = objects.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        var words: [String] = []
        for (index, object) in ordered.enumerated() {
            if index > 0 {
                let previous = ordered[index - 1]
                words += object.x - previous.x >= 2 ? ["left", "of"] : previous.y < object.y ? ["above"] : ["below"]
            }
            words += ["a", v.sizes[object.size], v.colors[object.color], v.shapes[object.shape]]
        }
        return words
    }

    /// One generated sample with the scene it shows.
    struct Sample {
        let objects: [SceneObject]
        let image: [UInt8]
        let question: [String]
        let answer: String
    }

    static func makeSample(generator g: inout RandomGenerator, questions: Questions = .all) -> Sample {
        let kind = questions.kinds[g.integer(below: questions.kinds.count)]
        while true {
            let (objects, question, answer, relation) = compose(kind, relations: questions.relations, generator: &g)
            let placed = SceneRenderer.place(objects.shuffled(using: &g), size: imageSize, generator: &g)
            if let relation {
                // Keep only placements whose relation holds or fails clearly (≥ 2 px apart).
                guard let truth = relation.holds(in: placed), truth == (answer == "yes") else { continue }
            }
            return Sample(objects: placed, image: SceneRenderer.render(placed, size: imageSize, generator: &g),
                          question: question, answer: answer)
        }
    }

    /// Two uniquely described objects and the relation asked about.
    struct Relation {
        let first: (shape: Int, color: Int), second: (shape: Int, color: Int)
        let kind: Int  // index into ShapesVocabulary.relations

        /// Whether the relation holds, or nil when the objects are too close to tell.
        func holds(in objects: [SceneObject]) -> Bool? {
            guard let a = objects.first(where: { $0.shape == first.shape && $0.color == first.color }),
                  let b = objects.first(where: { $0.shape == second.shape && $0.color == second.color }) else { return nil }
            let delta = kind < 2 ? a.x - b.x : a.y - b.y
            guard Swift.abs(delta) >= 2 else { return nil }
            return kind % 2 == 0 ? delta < 0 : delta > 0  // left/above: smaller coordinate
        }
    }

    /// Objects (unplaced), question words and answer for one sample of `kind`.
    static func compose(_ kind: Kind, relations: [Int], generator g: inout RandomGenerator)
        -> (objects: [SceneObject], question: [String], answer: String, relation: Relation?) {
        let v = ShapesVocabulary.self
        func pick(_ n: Int) -> Int { g.integer(below: n) }
        func size() -> Int { pick(v.sizes.count) }
        /// Up to `count` random objects satisfying `allowed`.
        func others(_ count: Int, _ allowed: (SceneObject) -> Bool) -> [SceneObject] {
            var result: [SceneObject] = []
            while result.count < count {
                let object = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
                if allowed(object) { result.append(object) }
            }
            return result
        }
        let extra = pick(v.maximumObjects)  // 0...3 further objects
        switch kind {
        case .colorOf:
            let target = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
            return ([target] + others(extra) { $0.shape != target.shape },
                    ["what", "color", "is", "the", v.shapes[target.shape], "?"], v.colors[target.color], nil)
        case .shapeOf:
            let target = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
            return ([target] + others(extra) { $0.color != target.color },
                    ["what", "shape", "is", "the", v.colors[target.color], "object", "?"], v.shapes[target.shape], nil)
        case .sizeOf:
            let target = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
            return ([target] + others(extra) { $0.shape != target.shape || $0.color != target.color },
                    ["what", "size", "is", "the", v.colors[target.color], v.shapes[target.shape], "?"], v.sizes[target.size], nil)
        case .countColor, .countShape:
            let count = pick(v.maximumObjects + 1)
            let total = max(count, 1) + pick(v.maximumObjects - max(count, 1) + 1)
            let byColor = kind == .countColor
            let value = pick(byColor ? v.colors.count : v.shapes.count)
            let matches: (SceneObject) -> Bool = { byColor ? $0.color == value : $0.shape == value }
            let objects = others(count, matches) + others(total - count) { !matches($0) }
            let question = byColor ? ["how", "many", v.colors[value], "objects", "are", "there", "?"]
                                   : ["how", "many", v.pluralShapes[value], "are", "there", "?"]
            return (objects, question, String(count), nil)
        case .exists:
            let (shape, color) = (pick(v.shapes.count), pick(v.colors.count))
            let present = pick(2) == 0
            // Distractors often share the colour or the shape, so one attribute alone does not answer.
            var objects = present ? [SceneObject(shape: shape, color: color, size: size())] : []
            objects += others(max(extra, present ? 0 : 1)) { ($0.shape == shape) != ($0.color == color) || pick(3) == 0 }
                .filter { $0.shape != shape || $0.color != color }
            if objects.isEmpty { objects = others(1) { $0.shape != shape && $0.color != color } }
            let article = v.colors[color] == "orange" ? "an" : "a"
            return (objects, ["is", "there", article, v.colors[color], v.shapes[shape], "?"], present ? "yes" : "no", nil)
        case .relation:
            let a = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
            var b = a
            while b.shape == a.shape && b.color == a.color {
                b = SceneObject(shape: pick(v.shapes.count), color: pick(v.colors.count), size: size())
            }
            let relation = Relation(first: (a.shape, a.color), second: (b.shape, b.color), kind: relations[pick(relations.count)])
            let rest = others(max(0, extra - 1)) { o in
                !(o.shape == a.shape && o.color == a.color) && !(o.shape == b.shape && o.color == b.color)
            }
            let words = relation.kind < 2 ? [v.relations[relation.kind], "of"] : [v.relations[relation.kind]]
            let question = ["is", "the", v.colors[a.color], v.shapes[a.shape]] + words + ["the", v.colors[b.color], v.shapes[b.shape], "?"]
            return ([a, b] + rest, question, pick(2) == 0 ? "yes" : "no", relation)
        }
    }
}

extension ShapesGenerator.Questions: CustomStringConvertible {
    /// "" for the whole task, else ", kinds: relation, relations: left/above".
    public var description: String {
        var parts: [String] = []
        if kinds != ShapesGenerator.Kind.allCases { parts.append("kinds: " + kinds.map(\.rawValue).joined(separator: "/")) }
        if relations != Array(ShapesVocabulary.relations.indices) {
            parts.append("relations: " + relations.map { ShapesVocabulary.relations[$0] }.joined(separator: "/"))
        }
        return parts.map { ", " + $0 }.joined()
    }
}
