import Checkpoint
import Datasets
import Foundation
import Models
import Testing
import TestSupport
import Training
@testable import Pipeline
@testable import Recipes

/// Staged runs of the quick recipe: a run stopped inside a stage and resumed ends bit-identical to
/// an uninterrupted one, the checkpoints record their stages, and a stage that cannot run stops
/// the recipe before anything is written.
@Suite struct StagedRunTests {
    /// recipes/quick.json with stages for the teacher and the student, writing into `output`, without
    /// the phases after distillation.
    static func recipe(output: URL, edit: (inout [String: Any]) -> Void = { _ in }) throws -> Recipe {
        let quick = PackagePaths.root.appendingPathComponent("recipes/quick.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: quick)) as? [String: Any])
        for key in ["prune", "quantize", "cascade", "bench"] { object[key] = nil }
        object["output"] = output.path
        var teacher = try #require(object["teacher"] as? [String: Any]), train = try #require(teacher["train"] as? [String: Any])
        train["epochs"] = nil
        train["stages"] = [["kind": "text", "epochs": 1], ["kind": "task", "epochs": 2, "freeze": ["text.layers."]]]
        (teacher["checkpoint"], teacher["train"]) = (output.appendingPathComponent("teacher.h5").path, train)
        var distill = try #require(object["distill"] as? [String: Any])
        distill["epochs"] = nil
        distill["baseline"] = false
        distill["stages"] = [["kind": "vision", "epochs": 2], ["kind": "text", "epochs": 1], ["kind": "align", "epochs": 1],
                             ["kind": "task", "epochs": 2]]
        (object["teacher"], object["distill"]) = (teacher, distill)
        edit(&object)
        return try Recipe.parse(json: JSONSerialization.data(withJSONObject: object), file: "quick.json")
    }

    static func pipeline(_ recipe: Recipe, resume: Bool = false) -> DistillationPipeline {
        DistillationPipeline(recipe: recipe, recipeFile: "quick.json", resume: resume,
                             progress: ProgressReporter(interactive: false, interval: 1e9), toolVersion: "test", commandLine: "test")
    }

    static func tensors(_ file: URL) throws -> [String: [Float]] {
        let model = try CheckpointFile.loadModel(from: file).model
        return Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.storage) })
    }

    @Test func aRunStoppedInsideAStageResumesBitIdentical() throws {
        let folder = try TemporaryDirectory()
        let whole = folder.file("whole"), parts = folder.file("parts")
        _ = try Self.pipeline(Self.recipe(output: whole)).run()

        // Stop at the 3rd step of the student's vision stage (the teacher's 3 epochs ask 8 + 7 + 1 + 7 times
        // before it: after every step but an epoch's last, and after every epoch but the run's last).
        var calls = 0
        let stopped = Self.pipeline(try Self.recipe(output: parts))
        stopped.shouldStop = { calls += 1; return calls == 23 + 3 }
        let error = #expect(throws: TrainingError.self) { try stopped.run() }
        guard case let .interrupted(phase, _)? = error else { Issue.record("not interrupted: \(String(describing: error))"); return }
        #expect(phase == "student-vision")
        _ = try Self.pipeline(try Self.recipe(output: parts), resume: true).run()

        for file in ["teacher.h5", "student.h5"] {
            #expect(try Self.tensors(whole.appendingPathComponent(file)) == Self.tensors(parts.appendingPathComponent(file)), "\(file)")
        }
        // Every epoch of every stage, in order, in the log of both runs (the wall times aside).
        func log(_ folder: URL) throws -> [String] {
            try String(contentsOf: folder.appendingPathComponent("train-log.csv"), encoding: .utf8).split(separator: "\n").map {
                $0.split(separator: ",").dropLast(2).joined(separator: ",")
            }
        }
        let rows = try log(whole), resumedRows = try log(parts)
        #expect(rows == resumedRows, "\(rows)\n\(resumedRows)")
        #expect(rows.dropFirst().map { $0.split(separator: ",")[0] } == ["teacher-text", "teacher", "teacher", "student-vision",
            "student-vision", "student-text", "student-align", "student", "student"])

        let (_, metadata) = try CheckpointFile.loadModel(from: whole.appendingPathComponent("student.h5"))
        #expect(metadata.provenance.stages?.map(\.kind) == ["vision", "text", "align", "task"])
        #expect(metadata.provenance.stages?.map(\.epochs) == [2, 1, 1, 2])
        let (_, teacher) = try CheckpointFile.loadModel(from: whole.appendingPathComponent("teacher.h5"))
        #expect(teacher.provenance.stages?.last?.frozen == ["text.layers."])
    }

    @Test func frozenParametersDoNotMove() throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("out")
        _ = try Self.pipeline(Self.recipe(output: output)).run()
        // The teacher's task froze its text layers: they hold what the text stage left (not the random
        // start, not what the task would have made of them).
        let trained = try Self.tensors(output.appendingPathComponent("teacher.h5"))
        let state = try TensorArchive.read(from: output.appendingPathComponent(".state/teacher-text.h5"), kind: "condenser-training-state")
        for (name, values) in trained where name.hasPrefix("text.layers.") {
            #expect(values == state.arrays["parameters/\(name)"]?.values, "\(name)")
        }
        #expect(state.arrays.keys.contains("parameters/text_decoder.weight"), "the decoder trains (and resumes) with its stage")
    }

    @Test(arguments: [
        ("align without captions", #"distill.stages[2]: the "align" stage cannot run: "#),
        ("unmatched freeze", #"distill.stages[3]: freeze: no parameter name starts with "speech.""#),
    ])
    func stagesThatCannotRunStopTheRecipeBeforeAnyWrite(_ case: String, expected: String) throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("out")
        let data = folder.file("train.h5")
        try ShapesGenerator.generate(count: 64, seed: 1).write(to: data)
        let recipe = try Self.recipe(output: output) { object in
            var distill = object["distill"] as! [String: Any]
            if `case` == "align without captions" {
                object["data"] = ["train": ["path": data.path], "test": ["generator": "shapes", "count": 32, "seed": 2]]
            } else {
                distill["stages"] = [["kind": "vision", "epochs": 1], ["kind": "text", "epochs": 1], ["kind": "align", "epochs": 1],
                                     ["kind": "task", "epochs": 1, "freeze": ["speech."]]]
            }
            object["distill"] = distill
        }
        let error = #expect(throws: PipelineError.self) { try Self.pipeline(recipe).run() }
        #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: output.path), "nothing may be written")
    }
}
