import Checkpoint
import Foundation
import TestSupport
import Testing

/// `condenser quantize` as a user runs it: a tiny model and generated data in a temporary folder.
@Suite struct QuantizeCommandTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
        let config = #"{"image_size": 32, "patch_size": 8, "vision_dim": 16, "vision_depth": 1, "vision_heads": 2, "vocab_size": 64, "#
            + #""max_text_len": 16, "text_dim": 16, "text_depth": 1, "text_heads": 2, "fusion_dim": 16, "fusion_heads": 2, "#
            + #""num_classes": 32}"#
        try Data(config.utf8).write(to: folder.file("model.json"))
        for arguments in [["init", "--model", folder.file("model.json").path, "--out", folder.file("model.h5").path],
                          ["data", "shapes", "--count", "64", "--seed", "3", "--out", folder.file("data.h5").path]] {
            let result = try condenser(arguments)
            try #require(result.status == 0, "\(result.standardError)")
        }
    }

    @Test func quantizeWritesAnInt8CheckpointThatEvaluates() throws {
        let model = folder.file("model.h5").path, data = folder.file("data.h5").path
        let result = try condenser(["quantize", model, "--data", data, "--samples", "32", "--calibration", "mse", "--max-drop", "100"])
        try #require(result.status == 0, "\(result.standardError)")
        let output = folder.file("model-int8.h5")
        #expect(result.standardOutput.contains("wrote \(output.path): int8 static (mse)"))
        #expect(result.standardOutput.contains("meets --max-drop 100"))
        let (_, metadata) = try CheckpointFile.loadModel(from: output)
        #expect(metadata.precision == .int8 && metadata.quantization?.samples == 32)

        let inspect = try condenser(["inspect", output.path])
        #expect(inspect.status == 0 && inspect.standardOutput.contains("int8"), "\(inspect.standardOutput)")
        let eval = try condenser(["eval", output.path, "--data", data])
        #expect(eval.status == 0 && eval.standardOutput.hasPrefix("accuracy "), "\(eval.standardError)")

        // An int8 checkpoint is not quantized twice.
        let again = try condenser(["quantize", output.path, "--mode", "dynamic", "--out", folder.file("twice.h5").path])
        #expect(again.status != 0 && again.standardError.contains("already an int8 checkpoint"), "\(again.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("twice.h5").path))

        // Nor pruned: pruning ranks heads by gradients, which the int8 path does not give.
        let pruned = try condenser(["prune", output.path, "--data", data, "--heads", "0.5", "--out", folder.file("pruned.h5").path])
        #expect(pruned.status != 0 && pruned.standardError.contains("is an int8 checkpoint"), "\(pruned.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("pruned.h5").path))
    }

    @Test(arguments: ["static", "dynamic"])
    func int8LogitsMatchAnIndependentNumPyForward(mode: String) throws {
        // The student architecture, quantized, against reference_forward.py running the int8
        // scheme in float64 from the checkpoint's datasets (codes × scales, inputs rounded to codes).
        let model = folder.file("student.h5").path, int8 = folder.file("student-int8.h5").path
        let data = folder.file("data.h5").path, logitsFile = folder.file("logits.h5").path
        try #require(condenser(["init", "--model", "recipes/models/seed-student.json", "--seed", "4", "--out", model]).status == 0)
        let quantized = try condenser(["quantize", model, "--data", data, "--mode", mode, "--samples", "32", "--out", int8])
        try #require(quantized.status == 0, "\(quantized.standardError)")
        try #require(condenser(["predict", int8, "--data", data, "--out", logitsFile]).status == 0)
        let (logits, _, classes) = try LogitsFile.read(from: folder.file("logits.h5"))

        let script = PackagePaths.root.appendingPathComponent("Tests/CLITests/reference_forward.py")
        func reference(_ checkpoint: String) throws -> [Double] {
            let output = try Python.run(script: script, [checkpoint, data])
            return try JSONDecoder().decode([String: [[Double]]].self, from: output)["logits"]!.flatMap { $0 }
        }
        let (int8Reference, floatReference) = (try reference(int8), try reference(model))
        #expect(int8Reference.count == logits.count && classes == 32)
        // float32 against float64 moves an input across a rounding boundary now and then (one
        // step of a 7-bit code moves that logit by up to a few hundredths), and the attention's
        // 7-bit numerator codes pass such a step on to a few of their own, so the agreement is
        // close, not exact: typically and on average several times closer than int8 is to float32
        // (the float attention instead of the int8 one would be 0.7× as far as int8 is).
        func differences(_ a: [Double], _ b: [Double]) -> (mean: Double, median: Double) {
            let d = zip(a, b).map { Swift.abs($0 - $1) }.sorted()
            return (d.reduce(0, +) / Double(d.count), d[d.count / 2])
        }
        let ours = differences(logits.map(Double.init), int8Reference)
        let effect = differences(int8Reference, floatReference)
        #expect(ours.mean * 5 < effect.mean, "int8 moves logits by \(effect.mean) on average, we differ by \(ours.mean)")
        #expect(ours.median * 5 < effect.median, "int8 moves the median logit by \(effect.median), we differ by \(ours.median)")
    }

    /// `condenser quantize model.h5` as typed: calibrated on the training data the provenance names,
    /// made again from its seed, or dynamic with one line saying so when it names none.
    @Test func thePlainCommandFindsItsCalibrationData() throws {
        let plain = try condenser("quantize", folder.file("model.h5").path)
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(plain.standardOutput.contains("no calibration data: quantizing dynamically"), "\(plain.standardOutput)")
        #expect(plain.standardOutput.contains("model-int8.h5: int8 dynamic"), "\(plain.standardOutput)")

        let teacher = try condenser("quantize", "checkpoints/shapes-vqa/teacher.h5", "--samples", "64",
                                    "--out", folder.file("teacher-int8.h5").path)
        #expect(teacher.status == 0, "\(teacher.standardError)")
        #expect(teacher.standardOutput.contains("calibrating on shapes generator, seed 101"), "\(teacher.standardOutput)")
        #expect(teacher.standardOutput.contains("int8 static (percentile)"), "\(teacher.standardOutput)")
    }

    @Test func badOptionsAreRefusedWithOneMessage() throws {
        let model = folder.file("model.h5").path, data = folder.file("data.h5").path
        let cases: [([String], String)] = [
            (["--data", data, "--samples", "0"], "--samples: expected an integer >= 1, got 0"),
            (["--data", data, "--calibration", "kl"], "kl"),
            (["--data", data, "--percentile", "101"], "--percentile: expected a number > 0 and <= 100, got 101"),
            (["--mode", "static"], "--mode static needs calibration data"),
            (["--data", folder.file("missing.h5").path], "missing.h5"),
        ]
        for (options, message) in cases {
            let result = try condenser(["quantize", model] + options)
            #expect(result.status != 0)
            #expect(result.standardError.contains(message), "\(options): \(result.standardError)")
            #expect(!result.standardError.contains("Fatal error"), "\(options)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("model-int8.h5").path), "nothing may be written")
    }
}
