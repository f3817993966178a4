import Checkpoint
import Foundation
import Testing
import TestSupport

/// `condenser distill` and `condenser train` on the quick recipe, run as a user would.
@Suite struct DistillCommandTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    /// recipes/quick.json with its outputs moved into the temporary folder, plus `edit` applied.
    func quickRecipe(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let text = try Data(contentsOf: PackagePaths.root.appendingPathComponent("recipes/quick.json"))
        var recipe = try JSONSerialization.jsonObject(with: text) as! [String: Any]
        recipe["output"] = folder.file("out").path
        var teacher = recipe["teacher"] as! [String: Any]
        teacher["checkpoint"] = folder.file("out/teacher.h5").path
        recipe["teacher"] = teacher
        edit(&recipe)
        let url = folder.file("recipe-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: recipe).write(to: url)
        return url.path
    }

    func condenser(_ arguments: String...) throws -> ChildProcess.Result {
        try ChildProcess.run(PackagePaths.condenser.path, arguments)
    }

    @Test func quickRecipeEndToEnd() throws {
        let recipe = try quickRecipe()
        let first = try condenser("distill", recipe)
        try #require(first.status == 0, "\(first.standardError)")
        for file in ["teacher.h5", "student.h5", "student-scratch.h5", "train-log.csv", "distill.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.file("out/\(file)").path), "missing \(file)")
        }
        let outputs = try FileManager.default.contentsOfDirectory(atPath: folder.file("out").path).filter { $0.hasPrefix("teacher.outputs-") }
        #expect(outputs.count == 1 && outputs[0].hasSuffix(".h5"), "the teacher-output cache sits beside the teacher")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/distill.json"))) as! [String: Any]
        for key in ["teacher", "student", "student_scratch"] {
            let accuracy = (report[key] as! [String: Any])["accuracy"] as! Double
            #expect((0...1).contains(accuracy), "\(key) accuracy \(accuracy)")
        }
        #expect((report["recipe"] as! [String: Any])["name"] as? String == "quick")
        #expect(first.standardOutput.contains("student keeps"))

        // The bench phase: teacher, student and scratch student in the report, and the table printed.
        let bench = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/report/report.json"))) as! [String: Any]
        #expect((bench["models"] as! [[String: Any]]).map { $0["name"] as? String } == ["teacher", "student", "student-scratch"])
        for file in ["report.md", "report.csv", "report.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.file("out/report/\(file)").path), "missing report/\(file)")
        }
        #expect(first.standardOutput.contains("p50 ms") && first.standardOutput.split(separator: "\n").contains { $0.hasPrefix("student-scratch ") })
        #expect(report["bench_report"] as? String == folder.file("out/report").path)

        // One CSV row per epoch of each of the three phases (2 epochs each in the quick recipe).
        let log = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n")
        #expect(log.first!.hasPrefix("phase,epoch,train_loss,train_accuracy,test_accuracy"))
        #expect(log.dropFirst().map { $0.split(separator: ",")[0] } == ["teacher", "teacher", "student", "student", "student-scratch", "student-scratch"])

        // The student checkpoint records its metrics and the recipe in its provenance.
        let (_, metadata) = try CheckpointFile.loadModel(from: folder.file("out/student.h5"))
        #expect(metadata.metrics?["accuracy"] != nil && metadata.provenance.source == recipe)

        // A second run reuses the teacher and its cached outputs, and reaches the same student.
        let firstStudent = try CheckpointFile.read(from: folder.file("out/student.h5")).tensors
        let second = try condenser("distill", recipe)
        try #require(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("teacher: loaded") && second.standardOutput.contains("reusing"))
        let secondStudent = try CheckpointFile.read(from: folder.file("out/student.h5")).tensors
        #expect(firstStudent.keys.sorted() == secondStudent.keys.sorted())
        #expect(firstStudent.allSatisfy { $0.value.storage == secondStudent[$0.key]!.storage }, "same recipe and seed must give the same student")

        // --resume after a finished run trains nothing and still reports every phase's epochs.
        let resumed = try condenser("distill", recipe, "--resume")
        try #require(resumed.status == 0, "\(resumed.standardError)")
        #expect(!resumed.standardOutput.contains("epoch 1/2  step"), "a finished run must not train again")
        let resumedLog = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n")
        #expect(resumedLog.dropFirst().map { $0.split(separator: ",")[0] } == ["teacher", "teacher", "student", "student", "student-scratch", "student-scratch"])
        let resumedStudent = try CheckpointFile.read(from: folder.file("out/student.h5")).tensors
        #expect(firstStudent.allSatisfy { $0.value.storage == resumedStudent[$0.key]!.storage })
    }

    /// The bench phase measures whichever compressed checkpoints exist, in a fixed order, and a broken one fails the run.
    @Test func benchPhasePicksUpTheCheckpointsThatExist() throws {
        let recipe = try quickRecipe()
        try #require(try condenser("distill", recipe).status == 0)
        for name in ["student-int8.h5", "student-pruned.h5"] {
            try FileManager.default.copyItem(at: folder.file("out/student.h5"), to: folder.file("out/\(name)"))
        }
        try Data("not a checkpoint".utf8).write(to: folder.file("out/student-pruned-int8.h5"))
        let resumed = try condenser("distill", recipe, "--resume")
        #expect(resumed.status != 0)
        #expect(resumed.standardError.contains("bench: 1 checkpoint(s) could not be benchmarked") && resumed.standardError.contains("student-pruned-int8.h5"),
                "\(resumed.standardError)")
        let bench = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/report/report.json"))) as! [String: Any]
        let models = bench["models"] as! [[String: Any]]
        #expect(models.map { $0["name"] as? String } == ["teacher", "student", "student-scratch", "student-pruned", "student-int8", "student-pruned-int8"])
        #expect(models[5]["error"] != nil && models[3]["accuracy"] as? Double == models[1]["accuracy"] as? Double)
    }

    @Test func trainTrainsOnlyTheTeacher() throws {
        let result = try condenser("train", try quickRecipe())
        try #require(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/teacher.h5").path))
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/student.h5").path))
    }

    @Test func badRecipeIsRejectedBeforeAnythingIsWritten() throws {
        let cases: [((inout [String: Any]) -> Void, String)] = [
            ({ r in var d = r["distill"] as! [String: Any]; var l = d["losses"] as! [String: Any]; l["logits"] = "x"; d["losses"] = l; r["distill"] = d },
             "distill.losses.logits: expected a number >= 0, got \"x\""),
            ({ r in var d = r["distill"] as! [String: Any]; d["epoch"] = 3; r["distill"] = d }, "distill: unknown key \"epoch\""),
            ({ r in var t = r["teacher"] as! [String: Any]; var m = t["model"] as! [String: Any]; m["image_size"] = 64; t["model"] = m; r["teacher"] = t },
             "image_size"),
        ]
        for (edit, expected) in cases {
            let result = try condenser("distill", try quickRecipe(edit))
            #expect(result.status != 0)
            #expect(result.standardError.contains(expected), "stderr: \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("out").path), "nothing may be written for a bad recipe")
        }
    }
}
