import Foundation
import Models
import Testing
@testable import Pipeline
@testable import Recipes

/// A recipe whose models cannot train in the machine's memory is refused before any work,
/// naming the model; the estimate grows as the sizes that set it.
@Suite struct MemoryCheckTests {
    static func recipe(imageSize: Int, teacherBatch: Int = 4, batchSize: Int) throws -> Recipe {
        let model = """
            {"image_size": \(imageSize), "patch_size": 8, "vision_dim": 16, "vision_depth": 1, "vision_heads": 2,
             "vocab_size": 64, "max_text_len": 16, "text_dim": 16, "text_depth": 1, "text_heads": 2,
             "fusion_dim": 16, "fusion_heads": 2, "num_classes": 32}
            """
        let json = """
            {"name": "big", "output": "out", "data": {"train": {"generator": "shapes", "count": 64, "seed": 1},
             "test": {"generator": "shapes", "count": 8, "seed": 2}},
             "teacher": {"checkpoint": "out/teacher.h5", "model": \(model),\
             "train": {"epochs": 1, "batch_size": \(teacherBatch), "lr": 0.01}},
             "student": {"model": \(model)}, "distill": {"epochs": 1, "batch_size": \(batchSize), "lr": 0.01}}
            """
        return try Recipe.parse(json: Data(json.utf8), file: "big.json")
    }

    @Test func estimateCountsWeightsOptimizerStateAndActivations() throws {
        let config = try Self.recipe(imageSize: 32, batchSize: 8).student.model
        // 16 patches of width 16, one block: the attention probabilities alone are 2 heads · 16².
        #expect(config.activationFloatsPerSample > 2 * 2 * 16 * 16)
        #expect(config.trainingBytes(batchSize: 8) == 16 * config.parameterCount + 4 * 8 * config.activationFloatsPerSample)
        // Attention maps grow with the square of the patches: 4× the image side, 256× the maps.
        let large = try Self.recipe(imageSize: 128, batchSize: 8).student.model
        #expect(large.activationFloatsPerSample > 2 * 2 * 256 * 256)
    }

    @Test func aRecipeThatCannotFitIsRefusedNamingTheModel() throws {
        let recipe = try Self.recipe(imageSize: 1024, teacherBatch: 64, batchSize: 64)
        // 16,384 patches: 2 heads · 16,384² · 2 floats of attention per sample.
        let error = #expect(throws: PipelineError.self) { try recipe.checkMemory(available: 24 << 30) }
        #expect(error?.description.hasPrefix("teacher.model: training it at batch size 64 needs about") == true,
                "\(String(describing: error))")
        #expect(throws: Never.self) { try Self.recipe(imageSize: 32, batchSize: 64).checkMemory(available: 24 << 30) }
        // The student alone is checked at its own batch size, beside the teacher's weights.
        let student = #expect(throws: PipelineError.self) {
            try Self.recipe(imageSize: 256, batchSize: 4096).checkMemory(available: 24 << 30)
        }
        #expect(student?.description.hasPrefix("student.model:") == true, "\(String(describing: student))")
    }
}
