import Checkpoint
import Training
import Foundation
import Testing
import TestSupport
@testable import Pipeline
@testable import Recipes

/// A whole recipe run in-process: each phase hands the next the model it saved, the bench phase
/// measures exactly the files this run wrote, and `distill.json` names them relative to the output.
@Suite struct PipelinePhaseTests {
    static func recipe(output: URL) throws -> Recipe {
        let model = #"{"image_size": 32, "patch_size": 8, "vision_dim": 8, "vision_depth": 1, "vision_heads": 2, "#
            + #""vocab_size": 64, "max_text_len": 16, "text_dim": 8, "text_depth": 1, "text_heads": 2, "#
            + #""fusion_dim": 8, "fusion_heads": 2, "num_classes": 32}"#
        let json = """
            {"name": "phases", "seed": 5, "output": "\(output.path)",
             "data": {"train": {"generator": "shapes", "count": 64, "seed": 1}, "test": {"generator": "shapes", "count": 32, "seed": 2}},
             "teacher": {"checkpoint": "\(output.path)/teacher.h5", "model": \(model),
                         "train": {"epochs": 1, "batch_size": 32, "lr": 0.003}},
             "student": {"model": \(model)},
             "distill": {"epochs": 1, "batch_size": 32, "lr": 0.003, "losses": {"hard": 0.5, "logits": 0.5}},
             "prune": {"heads": 0.25, "mlp": 0.25, "samples": 16, "recover_epochs": 1},
             "quantize": {"samples": 16},
             "bench": {"batch_sizes": [1], "warmup": 0, "iterations": 2}}
            """
        return try Recipe.parse(json: Data(json.utf8), file: "phases.json")
    }

    @Test func phasesPassTheirModelsOnAndTheBenchMeasuresOnlyThisRunsFiles() throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // A file an earlier run left behind, named like one this run could write.
        try Data("stale".utf8).write(to: output.appendingPathComponent("student-int8.h5"))
        let pipeline = DistillationPipeline(recipe: try Self.recipe(output: output), recipeFile: "phases.json", resume: false,
                                            progress: ProgressReporter(interactive: false, interval: 1e9), toolVersion: "test",
                                            commandLine: "test")
        let report = try pipeline.run()

        let files = ["teacher", "student", "student-scratch", "student-pruned", "student-pruned-int8"]
            .map { output.appendingPathComponent("\($0).h5").path }
        #expect(report.bench?.entries.map(\.path) == files)
        #expect(report.bench?.failures.isEmpty == true)
        #expect(report.studentPruned?.checkpoint.path == files[3] && report.studentInt8?.checkpoint.path == files[4])

        // The pruned student was made from the distilled one, and its record names the run's data.
        let (pruned, metadata) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: files[3]))
        let (student, _) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: files[1]))
        #expect(metadata.pruning?.originalConfig == student.config && pruned.parameterCount < student.parameterCount)
        #expect(metadata.pruning?.calibration == "data.train" && metadata.pruning?.test == "data.test")
        #expect(metadata.metrics?["accuracy"] == report.studentPruned?.accuracy)
        // The int8 student was quantized from the pruned one.
        let (_, int8) = try CheckpointFile.loadModel(from: URL(fileURLWithPath: files[4]))
        #expect(int8.precision == .int8 && int8.config == pruned.config && int8.quantization?.evaluatedOn == "data.test")

        let json = try #require(try JSONSerialization.jsonObject(with: report.jsonData(in: output)) as? [String: Any])
        #expect((json["student_pruned"] as? [String: Any])?["checkpoint"] as? String == "student-pruned.h5")
        #expect(Set(report.accuracyByKind.keys) == ["teacher", "student", "student-scratch", "student-pruned", "student-pruned-int8"])
    }
}
