import HDF5
import TensorCore

/// How a checkpoint stores parameter tensors: the root attribute `precision`.
/// Each case decides which datasets hold a parameter and how they decode, so another storage
/// type (int8 weights with a `weight_scale`) is one more case with its own arms here.
public enum CheckpointPrecision: String, CaseIterable, Sendable {
    /// Every parameter is one float32 dataset with its PyTorch shape.
    case float32

    /// Dotted names of the datasets that store parameter `name` (for spotting unexpected datasets).
    func storedNames(forParameter name: String) -> [String] {
        switch self {
        case .float32: [name]
        }
    }

    /// Writes parameter `name` into `model`, the `/model` group of the file being written.
    func write(_ tensor: Tensor, named name: String, into model: HDF5Group) throws(HDF5Error) {
        switch self {
        case .float32:
            try model.createDataset(CheckpointLayout.datasetPath(forName: name), values: tensor.storage, shape: tensor.shape)
        }
    }

    /// Reads parameter `name` from `model`, checking element type and `shape` before reading values.
    func read(named name: String, shape: [Int], from model: HDF5Group) throws(CheckpointError) -> Tensor {
        let file = model.filePath
        switch self {
        case .float32:
            let dataset: HDF5Dataset
            do {
                dataset = try model.openDataset(CheckpointLayout.datasetPath(forName: name))
            } catch .missingObject, .wrongKind {
                throw .missingTensor(file: file, name: name)
            } catch {
                throw .hdf5(error)
            }
            guard dataset.elementType == .float32 else {
                throw .wrongDtype(file: file, name: name, expected: .float32, actual: dataset.elementType)
            }
            guard dataset.shape == shape else {
                throw .mismatchedShape(file: file, name: name, expected: shape, actual: dataset.shape)
            }
            return Tensor(shape: shape, storage: try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Float.self) })
        }
    }
}
