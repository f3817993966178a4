import Foundation
import Models

/// A model a phase of the run saved (or loaded), handed to the phases after it: no later phase
/// reads a path back out of the report or finds a file by its name.
struct SavedModel {
    var model: FusionModel
    var file: URL
    /// Test accuracy, a fraction.
    var accuracy: Double
    /// Whether this run trained it (false: an existing checkpoint was loaded or reused).
    var trained: Bool

    var summary: DistillationReport.ModelSummary {
        .init(checkpoint: file, accuracy: accuracy, parameters: model.parameterCount, trained: trained)
    }
}
