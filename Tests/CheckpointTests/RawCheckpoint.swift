import Foundation
import HDF5
import Models

/// A checkpoint file assembled with the HDF5 module alone, independent of `CheckpointFile.write`,
/// starting valid so that a test can break exactly one thing before writing it.
struct RawCheckpoint {
    enum Values {
        case float32([Float])
        case float64([Double])
    }

    var stringAttributes: [String: String]
    var integerAttributes: [String: Int64]
    /// By dotted name.
    var tensors: [String: (values: Values, shape: [Int])]

    init(model: FusionModel) {
        stringAttributes = [
            "format": "condenser-checkpoint",
            "model_config": model.config.jsonString(),
            "precision": "float32",
            "provenance": #"{"command": "test", "source": "none", "tool_version": "0", "time": "2025-01-01T00:00:00Z"}"#,
        ]
        integerAttributes = ["format_version": 1]
        tensors = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, (.float32($0.tensor.storage), $0.tensor.shape)) })
    }

    func write(to url: URL) throws {
        let file = try HDF5File(creating: url.path)
        for (name, value) in stringAttributes { try file.root.setAttribute(name, value) }
        for (name, value) in integerAttributes { try file.root.setAttribute(name, value) }
        for (name, tensor) in tensors {
            let path = "model/" + name.replacingOccurrences(of: ".", with: "/")
            switch tensor.values {
            case let .float32(values): try file.root.createDataset(path, values: values, shape: tensor.shape)
            case let .float64(values): try file.root.createDataset(path, values: values, shape: tensor.shape)
            }
        }
        try file.close()
    }
}
