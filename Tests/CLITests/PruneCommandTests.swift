import Checkpoint
import Foundation
import Models
import Testing
import TestSupport

/// `condenser prune` run as a user would, on a randomly initialised default student.
@Suite struct PruneCommandTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    func path(_ name: String) -> String { folder.file(name).path }

    func prepare() throws {
        try #require(condenser("init", "--model", "recipes/models/seed-student.json", "--seed", "3", "--out", path("s.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "24", "--seed", "5", "--out", path("d.h5")).status == 0)
    }

    /// Heads, MLP units and tokens go; the result loads, predicts like the independent NumPy forward
    /// of the pruned architecture, and `inspect` shows what was removed.
    @Test func prunedCheckpointMatchesIndependentNumpyForward() throws {
        try prepare()
        let pruned = try condenser("prune", path("s.h5"), "--data", path("d.h5"), "--samples", "8", "--heads", "0.5",
                                   "--keep-tokens", "0.5", "--after-layer", "1", "--mlp", "0.25", "--test", path("d.h5"))
        try #require(pruned.status == 0, "\(pruned.standardError)")
        let (model, metadata) = try CheckpointFile.loadModel(from: folder.file("s-pruned.h5"))
        #expect(model.config.visionHeadCounts.reduce(0, +) + model.config.textHeadCounts.reduce(0, +) + model.config.fusionHeadCount == 5)
        #expect(model.config.visionMLPHiddenSizes == [192, 192] && model.config.visionTokenKeep == VisionTokenKeep(afterLayer: 1, keep: 32))
        #expect(metadata.pruning?.accuracyPruned != nil && metadata.pruning?.originalConfig.visionHeads == 2)

        try expectPredictionsMatchNumpy("s-pruned.h5")

        // Text-guided token ranking before the first vision layer, to another file.
        let text = try condenser("prune", path("s.h5"), "--data", path("d.h5"), "--keep-tokens", "0.25", "--after-layer", "0",
                                 "--token-scoring", "text", "--out", path("text.h5"))
        try #require(text.status == 0, "\(text.standardError)")
        #expect(try CheckpointFile.loadModel(from: folder.file("text.h5")).model.config.visionTokenKeep
                == VisionTokenKeep(afterLayer: 0, keep: 16, scoring: .text))
        try expectPredictionsMatchNumpy("text.h5")

        let inspect = try condenser("inspect", path("s-pruned.h5"))
        #expect(inspect.status == 0)
        for text in ["5/10 kept (50.0% removed)", "576/768 kept (25.0% removed)", "32 of 64 patches after vision layer 1", "FLOPs       "] {
            #expect(inspect.standardOutput.contains(text), "inspect lacks '\(text)':\n\(inspect.standardOutput)")
        }
    }

    /// The decoder blocks of the reasoning family lose heads and MLP units too, and the result still
    /// predicts like the independent NumPy forward.
    @Test func decoderBlocksArePrunedLikeTheEncoders() throws {
        try CommandLineTests.reasoningConfig.write(toFile: path("reasoning.json"), atomically: true, encoding: .utf8)
        try #require(condenser("init", "--model", path("reasoning.json"), "--seed", "3", "--out", path("r.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "24", "--seed", "5", "--out", path("d.h5")).status == 0)
        let pruned = try condenser("prune", path("r.h5"), "--data", path("d.h5"), "--samples", "8", "--heads", "0.5", "--mlp", "0.5")
        try #require(pruned.status == 0, "\(pruned.standardError)")
        let config = try CheckpointFile.loadModel(from: folder.file("r-pruned.h5")).model.config
        // 2 + 2 encoder heads, 4 in the seed's cross-attention, 4 + 4 in each of the two decoder blocks: 24, half go.
        let heads = config.visionHeadCounts + config.textHeadCounts + [config.fusionHeadCount]
            + config.fusionLayerHeadCounts + config.fusionLayerCrossHeadCounts
        #expect(heads.reduce(0, +) == 12 && heads.allSatisfy { $0 >= 1 })
        #expect(config.fusionMLPHiddenSizes == [64, 64] && config.visionMLPHiddenSizes == [64])
        #expect(pruned.standardOutput.contains("decoder self"), "\(pruned.standardOutput)")
        try expectPredictionsMatchNumpy("r-pruned.h5")
    }

    /// `condenser predict` on `checkpoint` gives the logits of the independent NumPy forward.
    func expectPredictionsMatchNumpy(_ checkpoint: String) throws {
        let predicted = try condenser("predict", path(checkpoint), "--data", path("d.h5"), "--out", path("logits.h5"), "--overwrite")
        try #require(predicted.status == 0, "\(predicted.standardError)")
        let (logits, _, classes) = try LogitsFile.read(from: folder.file("logits.h5"))
        let script = PackagePaths.root.appendingPathComponent("Tests/CLITests/reference_forward.py")
        let output = try Python.run(script: script, [path(checkpoint), path("d.h5")])
        let reference = try JSONDecoder().decode([String: [[Double]]].self, from: output)["logits"]!
        let largest = reference.flatMap { $0 }.map(Swift.abs).max()!
        for (i, row) in reference.enumerated() {
            for (j, value) in row.enumerated() {
                #expect(Swift.abs(Double(logits[i * classes + j]) - value) <= 1e-5 * max(1, largest), "\(checkpoint) logit [\(i), \(j)]")
            }
        }
    }

    @Test func badRequestsFailWithOneMessageAndWriteNothing() throws {
        try prepare()
        let smallConfig = "{\"image_size\": 16, \"patch_size\": 4, \"vision_dim\": 8, \"vision_depth\": 1, \"vision_heads\": 2, "
            + "\"vocab_size\": 64, \"max_text_len\": 16, \"text_dim\": 8, \"text_depth\": 1, \"text_heads\": 2, \"fusion_dim\": 8, "
            + "\"fusion_heads\": 2, \"num_classes\": 32}"
        try smallConfig.write(to: folder.file("small.json"), atomically: true, encoding: .utf8)
        try #require(condenser("init", "--model", path("small.json"), "--out", path("small.h5")).status == 0)
        let cases: [([String], String)] = [
            ([path("s.h5"), "--data", path("d.h5"), "--heads", "1"], "--heads: expected a fraction in [0, 1), got 1"),
            ([path("s.h5"), "--data", path("d.h5"), "--mlp=-0.5"], "--mlp: expected a fraction in [0, 1)"),
            ([path("s.h5"), "--data", path("d.h5"), "--keep-tokens", "1.5"],
             "--keep-tokens: expected a fraction of patches to keep in (0, 1]"),
            ([path("s.h5"), "--data", path("d.h5"), "--heads", "0.8"], "each of its 4 attention layers must keep one"),
            ([path("s.h5"), "--data", path("d.h5"), "--keep-tokens", "0.5", "--after-layer", "3"],
             "--after-layer: the model has 2 vision layers"),
            ([path("s.h5"), "--data", path("d.h5"), "--keep-tokens", "0.5", "--after-layer", "0"],
             "--after-layer: expected an integer >= 1, got 0 (0 needs text-guided token scoring)"),
            ([path("s.h5"), "--data", path("d.h5"), "--keep-tokens", "0.5", "--token-scoring", "saliency"],
             "Please provide one of 'attention' and 'text'"),
            ([path("s.h5"), "--data", path("d.h5")], "nothing to prune"),
            ([path("s.h5"), "--data", path("d.h5"), "--heads", "0.5", "--teacher", path("s.h5")],
             "recovery needs both --teacher and --recover-epochs"),
            ([path("d.h5"), "--data", path("d.h5"), "--heads", "0.5"], "not a condenser checkpoint"),
            ([path("small.h5"), "--data", path("d.h5"), "--heads", "0.5"], "image_size"),
        ]
        for (arguments, expected) in cases {
            let result = try ChildProcess.run(PackagePaths.condenser.path, ["prune"] + arguments + ["--out", path("out.h5")])
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains(expected), "\(arguments): stderr \(result.standardError)")
            #expect(!result.standardError.contains("Fatal error"), "\(arguments) crashed")
            #expect(!FileManager.default.fileExists(atPath: path("out.h5")), "\(arguments) wrote a file")
        }
    }
}
