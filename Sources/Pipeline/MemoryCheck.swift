import Foundation
import Models
import Recipes

extension Recipe {
    /// Checks, before any work, that each model the recipe trains fits in `available` bytes while
    /// it trains: the teacher alone, each student beside the teacher's weights, at their batch sizes.
    /// - Throws: `PipelineError.invalidRecipe` naming the model and the estimate against `available`.
    public func checkMemory(available: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory),
                            teacherOnly: Bool = false) throws(PipelineError) {
        let teacherWeights = 4 * teacher.model.parameterCount
        var needs: [(key: String, config: ModelConfig, batchSize: Int, beside: Int)] = []
        if let train = teacher.train { needs.append(("teacher.model", teacher.model, train.batchSize, 0)) }
        if !teacherOnly { needs.append(("student.model", student.model, distill.training.batchSize, teacherWeights)) }
        for (key, config, batchSize, beside) in needs {
            let bytes = config.trainingBytes(batchSize: batchSize) + beside
            guard bytes > available else { continue }
            func gib(_ bytes: Int) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
            throw .invalidRecipe(key: key, reason: "training it at batch size \(batchSize) needs about \(gib(bytes)) "
                + "(\(gib(16 * config.parameterCount)) for weights, gradients and AdamW moments, "
                + "\(gib(4 * batchSize * config.activationFloatsPerSample)) for one batch's activations"
                + (beside > 0 ? ", \(gib(beside)) for the teacher" : "") + "), more than this machine's \(gib(available)); "
                + "make the model or the batch smaller")
        }
    }
}
