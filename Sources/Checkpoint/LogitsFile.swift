import Foundation
import HDF5

/// Model outputs for a dataset: `/logits` float32 [N, classes], written by `condenser predict`,
/// and optionally per-sample float32 [N] datasets beside it (`/confidence`, … with `--certainty`).
public enum LogitsFile {
    /// Saves logits [count, classes] and each of `perSample` ([count] values under its name) to
    /// `url`, atomically, with the model's answer names as the root attribute `answers` (JSON list) when known.
    public static func write(logits: [Float], count: Int, classes: Int, answers: [String]?,
                             perSample: [(name: String, values: [Float])] = [], to url: URL) throws(CheckpointError) {
        precondition(logits.count == count * classes, "\(logits.count) logits do not fill [\(count), \(classes)]")
        precondition(perSample.allSatisfy { $0.values.count == count }, "every per-sample dataset needs \(count) values")
        let answersJSON = try answers.map { (names) throws(CheckpointError) in
            try RootAttribute.encodeJSON(names, "answers", file: url.path)
        }
        try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
                let file = try HDF5File(creating: temporaryPath)
                try file.root.createDataset("logits", values: logits, shape: [count, classes])
                for (name, values) in perSample { try file.root.createDataset(name, values: values, shape: [count]) }
                if let answersJSON { try file.root.setAttribute("answers", answersJSON) }
                try file.close()
            }
        }
    }

    /// Reads `/logits` → (values [N·classes], N, classes).
    public static func read(from url: URL) throws(CheckpointError) -> (logits: [Float], count: Int, classes: Int) {
        let dataset = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
            try HDF5File(readingFrom: url.path).root.openDataset("logits")
        }
        guard dataset.shape.count == 2, dataset.elementType == Float.elementType else {
            throw .invalidDataset(file: url.path, name: "logits",
                                  reason: "is \(dataset.elementType) \(dataset.shape), expected float32 [N, classes]")
        }
        let values = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Float.self) }
        return (values, dataset.shape[0], dataset.shape[1])
    }

    /// Reads the per-sample dataset `name` [N] that `write` stored beside the logits.
    public static func readPerSample(_ name: String, from url: URL) throws(CheckpointError) -> [Float] {
        let dataset = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
            try HDF5File(readingFrom: url.path).root.openDataset(name)
        }
        guard dataset.shape.count == 1, dataset.elementType == Float.elementType else {
            throw .invalidDataset(file: url.path, name: name, reason: "is \(dataset.elementType) \(dataset.shape), expected float32 [N]")
        }
        return try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Float.self) }
    }
}
