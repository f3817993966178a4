import Checkpoint
import Datasets
import Foundation
import Recipes

extension DataSource {
    /// The samples this source names: generated in memory (relation questions with only the
    /// `relations` words, nil: all), or read (and validated) from a file.
    func load(relations: [Int]? = nil) throws(CheckpointError) -> MultimodalDataset {
        switch self {
        case let .generator(_, count, seed):
            ShapesGenerator.generate(count: count, seed: seed, relations: relations)
        case let .file(path):
            try MultimodalDataset.read(from: URL(fileURLWithPath: path))
        }
    }
}

extension TeacherTrainingData {
    /// The relation words of the curriculum as generator indices; throws naming the unknown word.
    func curriculumIndices() throws -> [Int]? {
        guard let curriculum else { return nil }
        return try curriculum.relations.map { word in
            guard let index = ShapesVocabulary.relations.firstIndex(of: word) else {
                let known = ShapesVocabulary.relations.map { "\"\($0)\"" }.joined(separator: ", ")
                throw PipelineError("teacher.train.data.curriculum.relations: unknown relation word \"\(word)\" (known: \(known))")
            }
            return index
        }
    }

    /// The teacher's samples of `epoch` (0-based).
    func load(epoch: Int) throws -> MultimodalDataset {
        let indices = try curriculumIndices()
        return try epochSource(epoch).load(relations: relations(epoch: epoch) == nil ? nil : indices)
    }
}
