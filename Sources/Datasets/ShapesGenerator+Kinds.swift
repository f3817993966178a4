import Checkpoint

extension ShapesGenerator.Kind {
    /// The kind of a `shapes` question, read from its words; nil for a question the generator does not ask.
    public init?(question words: [String]) {
        guard words.count >= 3 else { return nil }
        switch (words[0], words[1]) {
        case ("what", "color"): self = .colorOf
        case ("what", "shape"): self = .shapeOf
        case ("what", "size"): self = .sizeOf
        case ("how", "many"): self = ShapesVocabulary.colors.contains(words[2]) ? .countColor : .countShape
        case ("is", "there"): self = .exists
        case ("is", "the"): self = .relation
        default: return nil
        }
    }

    /// Accuracy per question kind of `predictions` (class indices) on `data`, in `allCases` order,
    /// kinds without samples left out. Throws when a question is not one of the generator's.
    public static func accuracies(predictions: [Int], on data: MultimodalDataset) throws(DatasetError)
        -> [(kind: ShapesGenerator.Kind, correct: Int, total: Int)] {
        guard let labels = data.labels else { throw .notShapes(file: data.source, reason: "it has no /labels") }
        var correct: [ShapesGenerator.Kind: Int] = [:], total: [ShapesGenerator.Kind: Int] = [:]
        for index in 0..<data.count {
            let words = data.questionWords(at: index)
            guard let kind = ShapesGenerator.Kind(question: words) else {
                throw .notShapes(file: data.source,
                                 reason: "question \(index) (\"\(words.joined(separator: " "))\") is not one of the shapes task's")
            }
            total[kind, default: 0] += 1
            if predictions[index] == Int(labels[index]) { correct[kind, default: 0] += 1 }
        }
        return allCases.compactMap { kind in total[kind].map { (kind, correct[kind] ?? 0, $0) } }
    }
}

/// Errors of the Datasets module.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// Per-kind accuracy needs the `shapes` task's questions.
    case notShapes(file: String, reason: String)

    public var description: String {
        switch self {
        case let .notShapes(file, reason): "\(file): accuracy by question kind needs shapes data, but \(reason)"
        }
    }
}
