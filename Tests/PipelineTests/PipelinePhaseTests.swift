import Checkpoint
import Models
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

/// `student.init`: the students start from another checkpoint's weights under the named prefixes,
/// and an init that cannot fit stops the run before any work, naming the key.
@Suite struct StudentInitialisationTests {
    @Test func studentsStartFromTheCheckpointAndBadInitsStopTheRun() throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("out")
        var recipe = try PipelinePhaseTests.recipe(output: output)
        (recipe.prune, recipe.quantize, recipe.cascade, recipe.bench) = (nil, nil, nil, nil)
        // A source of the student's architecture, saved as a float32 checkpoint.
        let source = FusionModel(config: recipe.student.model, seed: 99)
        try CheckpointFile.write(model: source, metadata: CheckpointMetadata(
            config: source.config, provenance: Provenance(command: "test", source: "test", toolVersion: "test")),
            to: folder.file("source.h5"))
        recipe.student.initialisation = ModelInitialisation(checkpoint: folder.file("source.h5").path, prefixes: ["text."])
        let pipeline = DistillationPipeline(recipe: recipe, recipeFile: "phases.json", resume: false,
                                            progress: ProgressReporter(interactive: false, interval: 1e9), toolVersion: "test",
                                            commandLine: "test")
        let student = try pipeline.newStudent(seedOffset: 0)
        let random = FusionModel(config: recipe.student.model, seed: pipeline.studentSeed(0))
        let sourceValues = Dictionary(uniqueKeysWithValues: source.namedParameters.map { ($0.name, $0.tensor.storage) })
        for ((name, tensor), (_, fresh)) in zip(student.namedParameters, random.namedParameters) {
            #expect(tensor.storage == (name.hasPrefix("text.") ? sourceValues[name]! : fresh.storage), "\(name)")
        }

        recipe.student.initialisation = ModelInitialisation(checkpoint: folder.file("source.h5").path, prefixes: ["speech."])
        let bad = DistillationPipeline(recipe: recipe, recipeFile: "phases.json", resume: false,
                                       progress: ProgressReporter(interactive: false, interval: 1e9), toolVersion: "test",
                                       commandLine: "test")
        let error = #expect(throws: PipelineError.self) { try bad.run() }
        #expect(error?.description.hasPrefix("student.init: ") == true && error?.description.contains("'speech.'") == true,
                "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: output.path), "nothing may be written for a bad init")
    }
}
