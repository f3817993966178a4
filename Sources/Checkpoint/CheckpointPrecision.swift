import HDF5
import Models
import TensorCore

/// How a checkpoint stores parameter tensors: the root attribute `precision`.
public enum CheckpointPrecision: String, CaseIterable, Sendable {
    /// Every parameter is one float32 dataset with its PyTorch shape.
    case float32
    /// Weight products quantized to int8 (see `Int8Storage`); every other tensor, and any weight
    /// product kept in float, is float32 as in `.float32`.
    case int8

    /// Writes parameter `name` into `model`, the `/model` group of the file being written, as
    /// float32.
    static func writeFloat(_ tensor: Tensor, named name: String, into model: HDF5Group) throws(HDF5Error) {
        try model.createDataset(CheckpointLayout.datasetPath(forName: name), values: tensor.storage, shape: tensor.shape)
    }

    /// Opens dataset `name` of `model`, checking its element type and `shape` before reading.
    static func openChecked(_ name: String, type: HDF5ElementType, shape: [Int],
                            in model: HDF5Group) throws(CheckpointError) -> HDF5Dataset {
        let file = model.filePath
        let dataset: HDF5Dataset
        do {
            dataset = try model.openDataset(CheckpointLayout.datasetPath(forName: name))
        } catch .missingObject, .wrongKind {
            throw .missingTensor(file: file, name: name)
        } catch {
            throw .hdf5(error)
        }
        guard dataset.elementType == type else {
            throw .wrongDtype(file: file, name: name, expected: type, actual: dataset.elementType)
        }
        guard dataset.shape == shape else {
            throw .mismatchedShape(file: file, name: name, expected: shape, actual: dataset.shape)
        }
        return dataset
    }

    /// Reads float32 parameter `name` of `shape` from `model`; every value must be finite.
    static func readFloat(named name: String, shape: [Int], from model: HDF5Group) throws(CheckpointError) -> Tensor {
        let dataset = try openChecked(name, type: .float32, shape: shape, in: model)
        let values = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Float.self) }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteTensor(file: model.filePath, name: name, index: index, value: values[index])
        }
        return Tensor(shape: shape, storage: values)
    }
}
