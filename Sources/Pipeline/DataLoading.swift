import Checkpoint
import Datasets
import Foundation
import Recipes

extension DataSource {
    /// The samples this source names: generated in memory, or read (and validated) from a file.
    func load() throws(CheckpointError) -> MultimodalDataset {
        switch self {
        case let .generator(_, count, seed):
            ShapesGenerator.generate(count: count, seed: seed)
        case let .file(path):
            try MultimodalDataset.read(from: URL(fileURLWithPath: path))
        }
    }
}
