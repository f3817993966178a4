import Foundation
import HDF5
import Models
import TensorCore

/// Saving and loading fusion-model checkpoints (layout: docs/checkpoint-format.md).
public enum CheckpointFile {
    /// Saves `model` with `metadata` to `url`, atomically (see `writeAtomically`).
    /// - Throws: `.cannotWrite` if `metadata.config` is not the model's config, the metrics are
    ///   not finite, or the file system refuses; any previous file at `url` is then unchanged.
    public static func write(model: FusionModel, metadata: CheckpointMetadata, to url: URL) throws(CheckpointError) {
        let destination = url.path
        guard metadata.config == model.config else {
            throw .cannotWrite(file: destination, reason: "metadata config \(metadata.config.jsonString()) is not the model's config \(model.config.jsonString())")
        }
        try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
            let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(creating: temporaryPath) }
            try metadata.write(to: file.root, file: destination)
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
                let group = try file.root.createGroup(CheckpointLayout.modelGroup)
                for (name, tensor) in model.namedParameters {
                    try metadata.precision.write(tensor, named: name, into: group)
                }
            }
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try file.close() }
        }
    }

    /// Reads and validates a checkpoint: its attributes, and that `/model` holds exactly the
    /// parameters its config implies, each with the right element type and shape.
    /// - Returns: the metadata and every parameter by dotted PyTorch name.
    /// - Throws: one `CheckpointError` naming the file and, where there is one, the tensor.
    public static func read(from url: URL) throws(CheckpointError) -> (metadata: CheckpointMetadata, tensors: [String: Tensor]) {
        let contents = try readValidated(from: url)
        return (contents.metadata, contents.tensors)
    }

    /// Reads a checkpoint (as `read`) into a model built from its config.
    public static func loadModel(from url: URL) throws(CheckpointError) -> (model: FusionModel, metadata: CheckpointMetadata) {
        let contents = try readValidated(from: url)
        do {
            try contents.model.loadParameters(contents.tensors)
        } catch {
            throw CheckpointError(error, file: url.path)
        }
        return (contents.model, contents.metadata)
    }

    /// The validated contents plus a model of the checkpoint's config, whose parameters
    /// (still randomly initialised) give the expected names and shapes.
    private static func readValidated(from url: URL) throws(CheckpointError) -> (model: FusionModel, metadata: CheckpointMetadata, tensors: [String: Tensor]) {
        let path = url.path
        let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(readingFrom: path) }
        let metadata = try CheckpointMetadata.read(from: file.root)
        let model = FusionModel(config: metadata.config, seed: 0)
        let parameters = model.namedParameters
        let expectedNames = parameters.flatMap { metadata.precision.storedNames(forParameter: $0.name) }

        let group: HDF5Group
        do {
            group = try file.root.openGroup(CheckpointLayout.modelGroup)
        } catch .missingObject, .wrongKind {
            throw .missingTensor(file: path, name: expectedNames[0])
        } catch {
            throw .hdf5(error)
        }
        let storedNames = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try group.datasetPaths() }
            .map(CheckpointLayout.name(forDatasetPath:))
        let stored = Set(storedNames)
        if let missing = expectedNames.first(where: { !stored.contains($0) }) {
            throw .missingTensor(file: path, name: missing)
        }
        let expected = Set(expectedNames)
        if let unexpected = storedNames.first(where: { !expected.contains($0) }) {
            throw .unexpectedTensor(file: path, name: unexpected)
        }

        var tensors: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            tensors[name] = try metadata.precision.read(named: name, shape: parameter.shape, from: group)
        }
        return (model, metadata, tensors)
    }
}

extension CheckpointError {
    /// A model-loading error about the tensors of `file` (`loadParameters` throws only tensor errors).
    init(_ error: ModelError, file: String) {
        self = switch error {
        case let .missingParameter(name): .missingTensor(file: file, name: name)
        case let .unexpectedParameter(name): .unexpectedTensor(file: file, name: name)
        case let .mismatchedShape(name, expected, actual): .mismatchedShape(file: file, name: name, expected: expected, actual: actual)
        default: .invalidAttribute(file: file, name: "model_config", reason: error.description)
        }
    }
}
