import Checkpoint
import Datasets
import Foundation
import Recipes

extension DataSource {
    /// The samples this source names: generated in memory (asking `questions`, with `captions` when
    /// asked), or read (and validated) from a file.
    func load(questions: ShapesGenerator.Questions = .all, captions: Bool = false) throws(CheckpointError) -> MultimodalDataset {
        switch self {
        case let .generator(_, count, seed):
            ShapesGenerator.generate(count: count, seed: seed, questions: questions, captions: captions)
        case let .file(path):
            try MultimodalDataset.read(from: URL(fileURLWithPath: path))
        }
    }
}

extension TeacherTrainingData {
    /// The generator's questions for each curriculum stage, in order; throws naming an unknown kind or word.
    func stageQuestions() throws -> [ShapesGenerator.Questions] {
        try curriculum.questions(keyPath: "teacher.train.data.curriculum")
    }

    /// The teacher's samples of `epoch` (0-based).
    func load(epoch: Int, captions: Bool = false) throws -> MultimodalDataset {
        let questions = try stageIndex(epoch: epoch).map { try stageQuestions()[$0] } ?? .all
        return try epochSource(epoch).load(questions: questions, captions: captions)
    }
}

extension [TeacherTrainingData.CurriculumStage] {
    /// The generator's questions for each stage, in order; throws naming an unknown kind or word.
    func questions(keyPath: String) throws -> [ShapesGenerator.Questions] {
        try enumerated().map { index, stage in
            let key = "\(keyPath)[\(index)]"
            var questions = ShapesGenerator.Questions.all
            if let names = stage.questions {
                questions.kinds = try names.map { name in
                    guard let kind = ShapesGenerator.Kind(rawValue: name) else {
                        throw PipelineError.invalidRecipe(key: "\(key).questions", reason: "unknown question kind \"\(name)\" "
                            + "(known: \(Self.quoted(ShapesGenerator.Kind.allCases.map(\.rawValue))))")
                    }
                    return kind
                }
            }
            if let words = stage.relations {
                questions.relations = try words.map { word in
                    guard let index = ShapesVocabulary.relations.firstIndex(of: word) else {
                        throw PipelineError.invalidRecipe(key: "\(key).relations", reason: "unknown relation word \"\(word)\" "
                            + "(known: \(Self.quoted(ShapesVocabulary.relations)))")
                    }
                    return index
                }
            }
            return questions
        }
    }

    private static func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}

extension ShapesGenerator.Questions {
    /// Whether a generator asking these questions could have asked `words`: its kind, and for a
    /// relation question its relation word.
    func asks(_ words: [String]) -> Bool {
        guard let kind = ShapesGenerator.Kind(question: words), kinds.contains(kind) else { return false }
        return kind != .relation || relations.contains { words.contains(ShapesVocabulary.relations[$0]) }
    }
}
