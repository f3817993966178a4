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
            throw .cannotWrite(file: destination, reason: "metadata config \(metadata.config.jsonString()) "
                                   + "is not the model's config \(model.config.jsonString())")
        }
        let quantized = Dictionary(uniqueKeysWithValues: model.quantizableLayers.compactMap { named in
            named.layer.int8.map { (named.name, $0) }
        })
        guard quantized.isEmpty || metadata.precision == .int8 else {
            throw .cannotWrite(file: destination, reason: "the model has int8 layers but the precision is \(metadata.precision.rawValue)")
        }
        try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
            let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(creating: temporaryPath) }
            try metadata.write(to: file.root, file: destination)
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
                let group = try file.root.createGroup(CheckpointLayout.modelGroup)
                for (name, tensor) in model.namedParameters {
                    if let int8 = quantized[name] {
                        try Int8Storage.write(int8, named: name, into: group)
                    } else {
                        try CheckpointPrecision.writeFloat(tensor, named: name, into: group)
                    }
                }
            }
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try file.close() }
        }
    }

    /// Reads and validates a checkpoint: its attributes, and that `/model` holds exactly the
    /// parameters its config implies, each with the right element type and shape.
    /// - Returns: the metadata and every parameter by dotted PyTorch name (int8 weights as the
    ///   float values they stand for: codes × scale).
    /// - Throws: one `CheckpointError` naming the file and, where there is one, the tensor.
    public static func read(from url: URL) throws(CheckpointError) -> (metadata: CheckpointMetadata, tensors: [String: Tensor]) {
        let contents = try readValidated(from: url)
        return (contents.metadata, contents.tensors)
    }

    /// The metadata alone (config, precision, provenance …), without reading any tensor.
    public static func readMetadata(from url: URL) throws(CheckpointError) -> CheckpointMetadata {
        let path = url.path
        let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(readingFrom: path) }
        return try CheckpointMetadata.read(from: file.root)
    }

    /// Reads a checkpoint (as `read`) into a model built from its config; the layers of an int8
    /// checkpoint run through the int8 kernel.
    public static func loadModel(from url: URL) throws(CheckpointError) -> (model: FusionModel, metadata: CheckpointMetadata) {
        let contents = try readValidated(from: url)
        do {
            try contents.model.loadParameters(contents.tensors)
        } catch {
            throw CheckpointError(error, file: url.path)
        }
        for (name, layer) in contents.model.quantizableLayers { layer.int8 = contents.int8[name] }
        return (contents.model, contents.metadata)
    }

    /// The validated contents plus a model of the checkpoint's config, whose parameters
    /// (still randomly initialised) give the expected names and shapes.
    private static func readValidated(from url: URL) throws(CheckpointError)
        -> (model: FusionModel, metadata: CheckpointMetadata, tensors: [String: Tensor], int8: [String: Int8Linear]) {
        let path = url.path
        let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(readingFrom: path) }
        let metadata = try CheckpointMetadata.read(from: file.root)
        let length = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? Int.max
        guard metadata.config.minimumParameterCount <= length else {
            throw .invalidAttribute(file: path, name: "model_config", reason: "declares at least \(metadata.config.minimumParameterCount) "
                                    + "parameters, more than the file's \(length) bytes can hold")
        }
        let model = FusionModel(config: metadata.config, seed: 0)
        let parameters = model.namedParameters
        let expectedNames = parameters.map(\.name)
        let quantizable = metadata.precision == .int8 ? Set(model.quantizableLayers.map(\.name)) : []

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
        var tensors: [String: Tensor] = [:], int8: [String: Int8Linear] = [:]
        for (name, parameter) in parameters {
            if quantizable.contains(name),
               let layer = try Int8Storage.read(named: name, shape: parameter.shape, stored: stored, from: group) {
                int8[name] = layer
                tensors[name] = layer.weights.dequantized()
            } else {
                tensors[name] = try CheckpointPrecision.readFloat(named: name, shape: parameter.shape, from: group)
            }
        }
        let expected = Set(expectedNames + int8.keys.flatMap(Int8Storage.companionNames))
        if let unexpected = storedNames.first(where: { !expected.contains($0) }) {
            throw .unexpectedTensor(file: path, name: unexpected)
        }
        return (model, metadata, tensors, int8)
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
