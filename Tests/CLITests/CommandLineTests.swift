import Checkpoint
import Foundation
import Testing
import TestSupport

/// The real `condenser` executable, run as a user would.
@Suite struct CommandLineTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    func path(_ name: String) -> String { folder.file(name).path }

    /// The reasoning family's parts at small widths: sine–cosine patch coordinates, decoder blocks in the fusion, the token head.
    static let reasoningConfig = """
        {"image_size": 32, "patch_size": 4, "vision_dim": 32, "vision_depth": 1, "vision_heads": 2,
         "vocab_size": 64, "max_text_len": 16, "text_dim": 24, "text_depth": 1, "text_heads": 2,
         "fusion_dim": 32, "fusion_heads": 4, "num_classes": 32,
         "vision_coordinates": "sincos", "fusion_depth": 2, "head": "tokens", "head_hidden": 48}
        """

    @Test(arguments: ["recipes/models/seed-student.json", "reasoning"])
    func predictMatchesIndependentNumpyForward(model: String) throws {
        var config = model
        if model == "reasoning" {
            config = path("reasoning.json")
            try Self.reasoningConfig.write(toFile: config, atomically: true, encoding: .utf8)
        }
        try #require(condenser("init", "--model", config, "--seed", "3", "--out", path("s.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "24", "--seed", "5", "--out", path("d.h5")).status == 0)
        let predicted = try condenser("predict", path("s.h5"), "--data", path("d.h5"), "--out", path("logits.h5"), "--batch-size", "7")
        try #require(predicted.status == 0, "\(predicted.standardError)")
        let (logits, count, classes) = try LogitsFile.read(from: folder.file("logits.h5"))
        #expect(count == 24 && classes == 32)

        let script = PackagePaths.root.appendingPathComponent("Tests/CLITests/reference_forward.py")
        let output = try Python.run(script: script, [path("s.h5"), path("d.h5")])
        let reference = try JSONDecoder().decode([String: [[Double]]].self, from: output)["logits"]!
        let largest = reference.flatMap { $0 }.map(Swift.abs).max()!
        for (i, row) in reference.enumerated() {
            for (j, value) in row.enumerated() {
                #expect(Swift.abs(Double(logits[i * classes + j]) - value) <= 1e-5 * max(1, largest), "logit [\(i), \(j)]")
            }
        }
    }

    @Test func evalCountsArgmaxHits() throws {
        try #require(condenser("init", "--model", "recipes/models/seed-student.json", "--seed", "4", "--out", path("s.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "40", "--seed", "6", "--out", path("d.h5")).status == 0)
        try #require(condenser("predict", path("s.h5"), "--data", path("d.h5"), "--out", path("l.h5")).status == 0)
        let (logits, count, classes) = try LogitsFile.read(from: folder.file("l.h5"))
        let labels = try MultimodalDataset.read(from: folder.file("d.h5")).labels!
        var hits = 0
        for i in 0..<count {
            let row = logits[(i * classes)..<((i + 1) * classes)]
            if row.firstIndex(of: row.max()!)! - i * classes == Int(labels[i]) { hits += 1 }
        }
        let result = try condenser("eval", path("s.h5"), "--data", path("d.h5"))
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("(\(hits)/\(count))"), "\(result.standardOutput)")

        // By question kind: one line per kind, whose hits and totals add up to the whole.
        let byKind = try condenser("eval", path("s.h5"), "--data", path("d.h5"), "--by-kind")
        let rows = byKind.standardOutput.split(separator: "\n").dropFirst().map { line in
            line.split(separator: "(").last!.dropLast().split(separator: "/").map { Int($0)! }
        }
        #expect(rows.count == Set(byKind.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[0] }).count)
        #expect(rows.reduce(0) { $0 + $1[0] } == hits && rows.reduce(0) { $0 + $1[1] } == count, "\(byKind.standardOutput)")
    }

    @Test func initIsDeterministicForASeed() throws {
        for (name, seed) in [("a.h5", "9"), ("b.h5", "9"), ("c.h5", "10")] {
            try #require(condenser("init", "--model", "recipes/models/seed-student.json", "--seed", seed, "--out", path(name)).status == 0)
        }
        let (a, b, c) = try (CheckpointFile.read(from: folder.file("a.h5")).tensors,
                             CheckpointFile.read(from: folder.file("b.h5")).tensors,
                             CheckpointFile.read(from: folder.file("c.h5")).tensors)
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a.allSatisfy { $0.value.storage == b[$0.key]!.storage })
        #expect(a.contains { $0.value.storage != c[$0.key]!.storage })
    }

    @Test func inspectShowsTensorsAndProvenance() throws {
        try #require(condenser("init", "--model", "recipes/models/teacher.json", "--seed", "1", "--out", path("t.h5")).status == 0)
        let result = try condenser("inspect", path("t.h5"))
        #expect(result.status == 0)
        for expected in ["precision   float32", "473,186", "vision.layers.1.self_attn.in_proj_weight        [192, 64]",
                         "fusion.cross_attn.out_proj.weight", "fusion.layers.1.multihead_attn.in_proj_weight   [192, 64]",
                         "head.hidden.weight                              [128, 1088]",
                         "condenser init --model recipes/models/teacher.json"] {
            #expect(result.standardOutput.contains(expected), "missing '\(expected)'")
        }
    }

    /// Bad input: one clear line naming the file or option, a non-zero status, no crash or stack dump.
    @Test func badInputGivesOneClearError() throws {
        try Data("{\"image_size\": 32, \"patch_sise\": 4}".utf8).write(to: folder.file("bad.json"))
        try Data("not hdf5 at all".utf8).write(to: folder.file("junk.h5"))
        var small = try String(contentsOf: PackagePaths.root.appendingPathComponent("recipes/models/seed-student.json"), encoding: .utf8)
        small = small.replacingOccurrences(of: "\"image_size\": 32", with: "\"image_size\": 16")
        try Data(small.utf8).write(to: folder.file("small.json"))
        try #require(condenser("init", "--model", path("small.json"), "--out", path("small.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "4", "--out", path("d.h5")).status == 0)
        try #require(condenser("init", "--model", "recipes/models/seed-student.json", "--out", path("s.h5")).status == 0)
        let before = try Data(contentsOf: folder.file("s.h5"))

        let cases: [([String], String)] = [
            (["init", "--model", path("bad.json"), "--out", path("x.h5")], "bad.json: model config key 'patch_sise': unknown key"),
            (["init", "--model", path("missing.json"), "--out", path("x.h5")], "missing.json: cannot read model config"),
            (["init", "--model", "recipes/models/seed-student.json", "--out", path("s.h5")], "s.h5: already exists; pass --overwrite"),
            (["inspect", path("junk.h5")], "junk.h5"),
            (["predict", path("s.h5"), "--data", path("junk.h5"), "--out", path("l.h5")], "junk.h5"),
            (["eval", path("small.h5"), "--data", path("d.h5")], "image_size"),
            (["eval", path("s.h5"), "--data", path("d.h5"), "--batch-size", "0"], "--batch-size must be at least 1"),
            (["eval", path("s.h5"), "--data", path("d.h5"), "--threads", "0"], "--threads must be at least 1"),
        ]
        for (arguments, expected) in cases {
            let result = try ChildProcess.run(PackagePaths.condenser.path, arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.standardError.contains(expected), "\(arguments): stderr was \(result.standardError)")
            #expect(!result.standardError.contains("Fatal error") && !result.standardError.contains("HDF5-DIAG"), "\(arguments) crashed")
        }
        #expect(try Data(contentsOf: folder.file("s.h5")) == before, "a refused init must leave the checkpoint alone")
        #expect(!FileManager.default.fileExists(atPath: path("x.h5")) && !FileManager.default.fileExists(atPath: path("l.h5")))
    }

    @Test func helpListsEveryCommand() throws {
        let result = try condenser("--help")
        #expect(result.status == 0)
        for command in ["init", "inspect", "predict", "eval", "data", "bench"] {
            #expect(result.standardOutput.contains("  \(command)"), "help lacks \(command)")
        }
    }
}

/// The teacher shipped with the repository, as `make demo` reuses it.
@Suite struct ShippedTeacherTests {
    @Test func shippedTeacherKeepsItsAccuracy() throws {
        let folder = try TemporaryDirectory()
        // The first 500 samples of the default recipe's test set (seed 2); the shipped teacher scores 99.9% on all 2,000.
        try #require(condenser("data", "shapes", "--count", "500", "--seed", "2", "--out", folder.file("test.h5").path).status == 0)
        let result = try condenser("eval", "checkpoints/shapes-vqa/teacher.h5", "--data", folder.file("test.h5").path, "--by-kind")
        try #require(result.status == 0, "\(result.standardError)")
        let accuracy = try #require(result.standardOutput.split(separator: " ").dropFirst().first.flatMap { Double($0) })
        #expect(accuracy >= 0.97, "\(result.standardOutput)")
    }
}
