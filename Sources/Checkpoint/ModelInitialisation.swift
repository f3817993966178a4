import Foundation
import Models

/// Starting weights taken from another checkpoint: every parameter whose name starts with one of
/// `prefixes` (every parameter when there are none) is copied by name, and must match in shape.
/// How DistilBERT and TinyCLIP start their students; a recipe's `student.init` or `teacher.init`.
public struct ModelInitialisation: Sendable, Equatable {
    /// A float32 checkpoint, relative to the current directory.
    public var checkpoint: String
    /// Parameter-name prefixes such as `vision.`; empty: all.
    public var prefixes: [String]

    public init(checkpoint: String, prefixes: [String] = []) {
        self.checkpoint = checkpoint
        self.prefixes = prefixes
    }

    /// Copies the chosen parameters into `model`. - Returns: the names copied.
    /// - Throws: `CheckpointError` naming the checkpoint and the first key that does not fit.
    @discardableResult
    public func apply(to model: FusionModel) throws(CheckpointError) -> [String] {
        let url = URL(fileURLWithPath: checkpoint)
        let (metadata, tensors) = try CheckpointFile.read(from: url)
        guard metadata.precision == .float32 else {
            throw .unusable(file: url.path, reason: "is an int8 checkpoint; initialise from its float32 source")
        }
        do {
            return try model.loadParameters(tensors, prefixes: prefixes.isEmpty ? [""] : prefixes)
        } catch let .unmatchedPrefix(prefix) {
            throw .unusable(file: url.path, reason: "init prefix '\(prefix)' matches no parameter of the model")
        } catch {
            throw CheckpointError(error, file: url.path)
        }
    }
}
