import Checkpoint
import Datasets
import Foundation
import Models
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

    @Test func quickRecipeEndToEnd() throws {
        let recipe = try quickRecipe()
        // A file an earlier run left in the folder is not this run's: the bench phase must not measure it.
        try FileManager.default.createDirectory(at: folder.file("out"), withIntermediateDirectories: true)
        try Data("stale".utf8).write(to: folder.file("out/student-int8.h5"))
        let first = try condenser("distill", recipe)
        try #require(first.status == 0, "\(first.standardError)")
        for file in ["teacher.h5", "student.h5", "student-scratch.h5", "student-pruned.h5", "student-pruned-int8.h5", "train-log.csv",
                     "distill.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.file("out/\(file)").path), "missing \(file)")
        }
        let outputs = try FileManager.default.contentsOfDirectory(atPath: folder.file("out").path)
            .filter { $0.hasPrefix("teacher.outputs-") }
        #expect(outputs.count == 1 && outputs[0].hasSuffix(".h5"), "the teacher-output cache sits beside the teacher")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/distill.json"))) as! [String: Any]
        for key in ["teacher", "student", "student_scratch", "student_pruned"] {
            let accuracy = (report[key] as! [String: Any])["accuracy"] as! Double
            #expect((0...1).contains(accuracy), "\(key) accuracy \(accuracy)")
        }
        #expect((report["recipe"] as! [String: Any])["name"] as? String == "quick")
        #expect(first.standardOutput.contains("student keeps"))

        // Accuracy by question kind for every saved model; the kinds' accuracies weighted by their
        // share of the test set give the overall accuracy back.
        let byKind = try #require(report["accuracy_by_kind"] as? [String: [String: Double]])
        #expect(Set(byKind.keys) == ["teacher", "student", "student-scratch", "student-pruned", "student-pruned-int8"])
        let test = ShapesGenerator.generate(count: 128, seed: 2)  // the quick recipe's data.test
        var counts: [String: Int] = [:]
        for index in 0..<test.count { counts[ShapesGenerator.Kind(question: test.questionWords(at: index))!.rawValue, default: 0] += 1 }
        let student = byKind["student"]!
        let weighted = student.reduce(0.0) { $0 + $1.value * Double(counts[$1.key] ?? 0) } / Double(test.count)
        #expect(Swift.abs(weighted - ((report["student"] as! [String: Any])["accuracy"] as! Double)) < 1e-9)

        // The quantize phase made an int8 student from the pruned one and checked it on the test data.
        let int8 = report["student_int8"] as! [String: Any]
        #expect(int8["mode"] as? String == "static" && (0...1).contains(int8["accuracy"] as! Double))
        let (_, int8Metadata) = try CheckpointFile.loadModel(from: folder.file("out/student-pruned-int8.h5"))
        #expect(int8Metadata.precision == .int8 && int8Metadata.quantization?.accuracyInt8 == int8["accuracy"] as? Double)

        // The bench phase: every checkpoint of the run in the report, and the table printed.
        let bench = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/report/report.json"))) as! [String: Any]
        #expect((bench["models"] as! [[String: Any]]).map { $0["name"] as? String }
                == ["teacher", "student", "student-scratch", "student-pruned", "student-pruned-int8",
                    "cascade (student-pruned-int8 → teacher)"])
        // The cascade phase: the final student and the teacher, calibrated on held-out data and measured.
        let cascade = report["cascade"] as! [String: Any]
        #expect(cascade["checkpoint"] as? String == "cascade.json" && (0...1).contains(cascade["teacher_share"] as! Double))
        for file in ["report.md", "report.csv", "report.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.file("out/report/\(file)").path), "missing report/\(file)")
        }
        #expect(first.standardOutput.contains("p50 ms")
                && first.standardOutput.split(separator: "\n").contains { $0.hasPrefix("student-scratch ") })
        // Paths inside the output folder are relative to it, so the folder can move.
        #expect(report["bench_report"] as? String == "report")
        #expect((report["student"] as! [String: Any])["checkpoint"] as? String == "student.h5")
        #expect((report["teacher"] as! [String: Any])["checkpoint"] as? String == "teacher.h5")
        #expect((report["student_int8"] as! [String: Any])["checkpoint"] as? String == "student-pruned-int8.h5")

        // One CSV row per epoch of each phase (2 epochs each in the quick recipe, 1 of pruning recovery).
        let log = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n")
        #expect(log.first!.hasPrefix("phase,epoch,train_loss,train_accuracy,test_accuracy"))
        #expect(log.dropFirst().map { $0.split(separator: ",")[0] }
                == ["teacher", "teacher", "student", "student", "student-pruned", "student-scratch", "student-scratch"])

        // The prune section's student is smaller and records what was pruned from what.
        let (pruned, prunedMetadata) = try CheckpointFile.loadModel(from: folder.file("out/student-pruned.h5"))
        let (distilled, distilledMetadata) = try CheckpointFile.loadModel(from: folder.file("out/student.h5"))
        #expect(pruned.parameterCount < distilled.parameterCount)
        #expect(pruned.config.forwardFLOPs() < distilled.config.forwardFLOPs())
        #expect(prunedMetadata.pruning?.originalConfig == distilledMetadata.config)
        #expect(prunedMetadata.config.visionTokenKeep == VisionTokenKeep(afterLayer: 1, keep: 8))

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
        #expect(firstStudent.allSatisfy { $0.value.storage == secondStudent[$0.key]!.storage },
                "same recipe and seed must give the same student")

        // --resume after a finished run trains nothing and still reports every phase's epochs.
        let resumed = try condenser("distill", recipe, "--resume")
        try #require(resumed.status == 0, "\(resumed.standardError)")
        #expect(!resumed.standardOutput.contains("epoch 1/2  step"), "a finished run must not train again")
        let resumedLog = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n")
        #expect(resumedLog.dropFirst().map { $0.split(separator: ",")[0] }
                == ["teacher", "teacher", "student", "student", "student-scratch", "student-scratch"])
        #expect(resumed.standardOutput.contains("student-pruned: reusing"))
        let resumedStudent = try CheckpointFile.read(from: folder.file("out/student.h5")).tensors
        #expect(firstStudent.allSatisfy { $0.value.storage == resumedStudent[$0.key]!.storage })
    }

    /// The bench phase measures exactly the checkpoints this run wrote, never other files in the folder.
    @Test func benchPhaseMeasuresOnlyThisRunsCheckpoints() throws {
        // Without prune and quantize sections: the compressed files below are left from elsewhere.
        let recipe = try quickRecipe { r in r["prune"] = nil; r["quantize"] = nil }
        try #require(try condenser("distill", recipe).status == 0)
        for name in ["student-int8.h5", "student-pruned.h5"] {
            try FileManager.default.copyItem(at: folder.file("out/student.h5"), to: folder.file("out/\(name)"))
        }
        try Data("not a checkpoint".utf8).write(to: folder.file("out/student-pruned-int8.h5"))
        let resumed = try condenser("distill", recipe, "--resume")
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let bench = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/report/report.json"))) as! [String: Any]
        let models = bench["models"] as! [[String: Any]]
        #expect(models.map { $0["name"] as? String } == ["teacher", "student", "student-scratch", "cascade (student → teacher)"])
    }

    /// Several scratch students: one saved checkpoint, every run's accuracy in distill.json, and the
    /// gain set against their mean and spread.
    @Test func baselineSeedsTrainSeveralScratchStudents() throws {
        let recipe = try quickRecipe { r in
            r["prune"] = nil; r["quantize"] = nil; r["bench"] = nil
            var d = r["distill"] as! [String: Any]; d["baseline_seeds"] = 3; r["distill"] = d
        }
        let result = try condenser("distill", recipe)
        try #require(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("out/distill.json"))) as! [String: Any]
        let runs = try #require(report["student_scratch_runs"] as? [[String: Any]])
        let accuracies = runs.map { $0["accuracy"] as! Double }
        // The quick recipe's seed is 3: the first run starts from the distilled student's weights (seed 4).
        #expect(runs.map { ($0["seed"] as! NSNumber).intValue } == [4, 1004, 2004])
        #expect(accuracies[0] == (report["student_scratch"] as! [String: Any])["accuracy"] as? Double)
        let mean = (accuracies[0] + accuracies[1] + accuracies[2]) / 3
        let student = (report["student"] as! [String: Any])["accuracy"] as! Double
        #expect(abs((report["student_scratch_mean_accuracy"] as! Double) - mean) < 1e-12)
        let gain = report["distillation_gain_points_mean"] as! Double
        #expect(abs(gain - 100 * (student - mean)) < 1e-9)
        let spread = 100 * (accuracies.max()! - accuracies.min()!)
        let warned = (report["warnings"] as! [String]).contains { $0.contains("within seed-to-seed variation") }
        #expect(warned == (spread >= abs(gain)), "spread \(spread), gain \(gain)")
        #expect(result.standardOutput.contains("mean of 3 scratch students"))

        let log = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let scratchRows = log.filter { $0.hasPrefix("student-scratch") }
        #expect(scratchRows.map { $0.split(separator: ",")[0] }
                == ["student-scratch", "student-scratch", "student-scratch-2", "student-scratch-2",
                    "student-scratch-3", "student-scratch-3"])
        // Other initial weights and data orders: the first epoch's training losses differ.
        let firstLosses = Set(scratchRows.filter { $0.split(separator: ",")[1] == "1" }.map { $0.split(separator: ",")[2] })
        #expect(firstLosses.count == 3)
        let saved = try FileManager.default.contentsOfDirectory(atPath: folder.file("out").path).filter { $0.hasPrefix("student-scratch") }
        #expect(saved == ["student-scratch.h5"])
    }

    @Test func trainTrainsOnlyTheTeacher() throws {
        let result = try condenser("train", try quickRecipe())
        try #require(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/teacher.h5").path))
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/student.h5").path))
    }

    /// A distillation curriculum: stages over the training samples that ask the named questions, for
    /// the distilled and the scratch students alike; an unknown word stops the run before any training.
    @Test func distillCurriculumStagesComeFirstForEveryStudent() throws {
        let recipe = try quickRecipe { r in
            var d = r["distill"] as! [String: Any]
            d["curriculum"] = [["epochs": 1, "questions": ["relation"]]]
            r["distill"] = d
            r["prune"] = nil; r["quantize"] = nil; r["bench"] = nil
        }
        let result = try condenser("distill", recipe)
        try #require(result.status == 0, "\(result.standardError)")
        let log = try String(contentsOf: folder.file("out/train-log.csv"), encoding: .utf8).split(separator: "\n")
        #expect(log.dropFirst().map { $0.split(separator: ",")[0] }
                == ["teacher", "teacher", "student-stage1", "student", "student", "student-scratch-stage1", "student-scratch",
                    "student-scratch"])
        let bad = try quickRecipe { r in
            var d = r["distill"] as! [String: Any]
            d["curriculum"] = [["epochs": 1, "relations": ["beside"]]]
            r["distill"] = d
            r["output"] = self.folder.file("bad").path
            var t = r["teacher"] as! [String: Any]
            t["checkpoint"] = self.folder.file("bad/teacher.h5").path
            r["teacher"] = t
        }
        let refused = try condenser("distill", bad)
        #expect(refused.status == 1 && refused.standardError.contains("distill.curriculum[0].relations: unknown relation word \"beside\""),
                "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("bad/teacher.h5").path))
    }

    /// The teacher's own data, fresh per epoch, after a curriculum stage; its checkpoint records how it was trained.
    @Test func teacherTrainsOnItsOwnDataAndRecordsIt() throws {
        let data: [String: Any] = ["generator": "shapes", "count": 48, "seed": 9, "fresh_per_epoch": true,
                                   "curriculum": [["epochs": 1, "questions": ["relation"], "relations": ["left"]]]]
        let recipe = try quickRecipe { r in
            var t = r["teacher"] as! [String: Any], train = t["train"] as! [String: Any]
            (train["data"], train["epochs"]) = (data, 3)
            t["train"] = train
            r["teacher"] = t
        }
        let result = try condenser("train", recipe)
        try #require(result.status == 0, "\(result.standardError)")
        let metadata = try CheckpointFile.read(from: folder.file("out/teacher.h5")).metadata
        let training = try #require(metadata.provenance.training)
        #expect(training.recipe == recipe && training.epochs == 3 && training.samples == 3 * 48 && training.seconds > 0)
        #expect(training.testAccuracy == metadata.metrics?["accuracy"])
        #expect(training.data.contains(#""curriculum":[{"epochs":1,"questions":["relation"],"relations":["left"]}]"#)
                && training.data.contains(#""fresh_per_epoch":true"#), "\(training.data)")
        #expect(training.test == #"{"count":128,"generator":"shapes","seed":2}"#)
        let inspect = try condenser("inspect", folder.file("out/teacher.h5").path)
        #expect(inspect.standardOutput.contains("  trained     3 epochs, 144 samples in "), "\(inspect.standardOutput)")

        // An unknown relation word stops the run before any training.
        let bad = try quickRecipe { r in
            var t = r["teacher"] as! [String: Any], train = t["train"] as! [String: Any]
            train["data"] = ["generator": "shapes", "count": 48, "seed": 9, "curriculum": [["epochs": 1, "relations": ["beside"]]]]
            (t["train"], t["checkpoint"]) = (train, self.folder.file("other/teacher.h5").path)
            r["teacher"] = t
        }
        let refused = try condenser("train", bad)
        #expect(refused.status == 1 && refused.standardError.contains(
            #"teacher.train.data.curriculum[0].relations: unknown relation word "beside" (known: "left", "right", "above", "below")"#),
                "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("other/teacher.h5").path))
    }

    /// A run whose output folder another live process holds stops at once, naming the holder.
    @Test func aBusyOutputFolderIsRefused() throws {
        let lock = folder.file("out/.lock").path
        try FileManager.default.createDirectory(at: folder.file("out"), withIntermediateDirectories: true)
        let descriptor = open(lock, O_RDWR | O_CREAT, 0o644)
        defer { close(descriptor) }
        try #require(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        try "4242\n".write(toFile: lock, atomically: false, encoding: .utf8)
        let refused = try condenser("train", try quickRecipe())
        #expect(refused.status == 1 && refused.standardError.contains("another run is using this output folder (pid 4242"),
                "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/teacher.h5").path))
    }

    @Test func badRecipeIsRejectedBeforeAnythingIsWritten() throws {
        let cases: [((inout [String: Any]) -> Void, String)] = [
            ({ r in var d = r["distill"] as! [String: Any]; var l = d["losses"] as! [String: Any]
                l["logits"] = "x"; d["losses"] = l; r["distill"] = d },
             "distill.losses.logits: expected a number, got \"x\""),
            ({ r in var d = r["distill"] as! [String: Any]; d["epoch"] = 3; r["distill"] = d }, "distill: unknown key \"epoch\""),
            ({ r in var t = r["teacher"] as! [String: Any]; var m = t["model"] as! [String: Any]
                m["image_size"] = 64; t["model"] = m; r["teacher"] = t },
             "image_size"),
            ({ r in r["quantize"] = ["calibration": "kl"] },
             "quantize.calibration: expected one of \"percentile\", \"minmax\", \"mse\", \"entropy\", got \"kl\""),
            ({ r in r["quantize"] = ["samples": 0] }, "quantize.samples: expected an integer between 1 and"),
            ({ r in r["prune"] = ["heads": 1] }, "prune.heads: expected a fraction in [0, 1), got 1"),
            ({ r in var s = r["student"] as! [String: Any]; var m = s["model"] as! [String: Any]
                m["vision_token_keep"] = ["after_layer": 1, "keep": 8]; s["model"] = m; r["student"] = s },
             "distill.losses.attention: student.model drops vision tokens"),
        ]
        for (edit, expected) in cases {
            let result = try condenser("distill", try quickRecipe(edit))
            #expect(result.status != 0)
            #expect(result.standardError.contains(expected), "stderr: \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("out").path), "nothing may be written for a bad recipe")
        }
    }
}
