import Foundation
import HDF5
import Models

/// The metadata as root attributes.
extension CheckpointMetadata {
    /// Sets every root attribute on `root`, the root group of the file being written to `file`.
    func write(to root: HDF5Group, file: String) throws(CheckpointError) {
        let provenanceJSON = try RootAttribute.encodeJSON(provenance, "provenance", file: file)
        let metricsJSON = try metrics.map { (metrics) throws(CheckpointError) in
            try RootAttribute.encodeJSON(metrics, "metrics", file: file)
        }
        let pruningJSON = try pruning.map { (pruning) throws(CheckpointError) in
            try RootAttribute.encodeJSON(pruning, "pruning", file: file)
        }
        let quantizationJSON = try quantization.map { (record) throws(CheckpointError) in
            try RootAttribute.encodeJSON(record, "quantization", file: file)
        }
        do {
            try root.setAttribute("format", Self.formatName)
            try root.setAttribute("format_version", Self.formatVersion)
            try root.setAttribute("model_config", config.jsonString())
            try root.setAttribute("precision", precision.rawValue)
            try root.setAttribute("provenance", provenanceJSON)
            if let metricsJSON { try root.setAttribute("metrics", metricsJSON) }
            if let pruningJSON { try root.setAttribute("pruning", pruningJSON) }
            if let quantizationJSON { try root.setAttribute("quantization", quantizationJSON) }
        } catch {
            throw .hdf5(error)
        }
    }

    /// Reads and validates the root attributes of `root`, in order: `format`, `format_version`,
    /// `model_config`, `precision`, `provenance`, `metrics`, `pruning`, `quantization`.
    static func read(from root: HDF5Group) throws(CheckpointError) -> CheckpointMetadata {
        let file = root.filePath
        guard try RootAttribute.exists("format", on: root) else { throw .notACheckpoint(file: file, found: nil) }
        let format = try RootAttribute.string("format", on: root)
        guard format == formatName else { throw .notACheckpoint(file: file, found: format) }

        let version = try RootAttribute.int64("format_version", on: root)
        guard version == formatVersion else {
            throw .unsupportedVersion(file: file, version: version, supported: formatVersion)
        }

        let configJSON = try RootAttribute.string("model_config", on: root)
        let config: ModelConfig
        do {
            config = try ModelConfig.decode(json: Data(configJSON.utf8))
        } catch {
            throw .invalidAttribute(file: file, name: "model_config", reason: "\(error)")
        }

        let precisionName = try RootAttribute.string("precision", on: root)
        guard let precision = CheckpointPrecision(rawValue: precisionName) else {
            let known = CheckpointPrecision.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw .invalidAttribute(file: file, name: "precision",
                                    reason: "unknown precision '\(precisionName)' (this build reads \(known))")
        }

        let provenance = try RootAttribute.json(Provenance.self, "provenance", on: root)
        let metrics = try RootAttribute.exists("metrics", on: root)
            ? try RootAttribute.json([String: Double].self, "metrics", on: root) : nil
        let pruning = try RootAttribute.exists("pruning", on: root)
            ? try RootAttribute.json(PruningRecord.self, "pruning", on: root) : nil
        let quantization = try RootAttribute.exists("quantization", on: root)
            ? try RootAttribute.json(QuantizationRecord.self, "quantization", on: root) : nil
        return CheckpointMetadata(config: config, precision: precision, provenance: provenance, metrics: metrics,
                                  pruning: pruning, quantization: quantization)
    }
}
