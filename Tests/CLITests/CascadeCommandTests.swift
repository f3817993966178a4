import Checkpoint
import Foundation
import TestSupport
import Testing

/// `condenser cascade`, and a cascade as a model for `eval` and `predict`, as a user runs them.
@Suite struct CascadeCommandTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
        let model = #"{"image_size": 32, "patch_size": 8, "vision_dim": 8, "vision_depth": 1, "vision_heads": 2, "vocab_size": 64, "#
            + #""max_text_len": 16, "text_dim": 8, "text_depth": 1, "text_heads": 2, "fusion_dim": 8, "fusion_heads": 2, "#
            + #""num_classes": 32}"#
        try Data(model.utf8).write(to: folder.file("model.json"))
        for arguments in [["init", "--model", folder.file("model.json").path, "--seed", "1", "--out", folder.file("s.h5").path],
                          ["init", "--model", folder.file("model.json").path, "--seed", "2", "--out", folder.file("t.h5").path],
                          ["data", "shapes", "--count", "64", "--seed", "3", "--out", folder.file("calib.h5").path],
                          ["data", "shapes", "--count", "32", "--seed", "4", "--out", folder.file("test.h5").path]] {
            let result = try condenser(arguments)
            try #require(result.status == 0, "\(result.standardError)")
        }
    }

    @Test func cascadeIsCalibratedMeasuredAndEvaluatedAsAModel() throws {
        let out = folder.file("cascade.json").path
        let result = try condenser(["cascade", folder.file("s.h5").path, folder.file("t.h5").path, "--data", folder.file("calib.h5").path,
                                    "--retain", "1", "--signal", "margin", "--test", folder.file("test.h5").path,
                                    "--latency-samples", "8", "--out", out])
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("signal margin") && result.standardOutput.contains("teacher share"))
        #expect(result.standardOutput.contains("cascade mean latency"), "\(result.standardOutput)")
        // Members are recorded relative to the file's folder.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(json["student"] as? String == "s.h5" && json["teacher"] as? String == "t.h5" && json["signal"] as? String == "margin")
        // retain 1: the cascade matches the teacher on the calibration set.
        let calibration = try #require(json["calibration"] as? [String: Any])
        #expect(calibration["accuracy"] as? Double == calibration["teacher_accuracy"] as? Double)

        let eval = try condenser(["eval", out, "--data", folder.file("calib.h5").path])
        #expect(eval.status == 0 && eval.standardOutput.contains("teacher share"), "\(eval.standardError)")
        let predict = try condenser(["predict", out, "--data", folder.file("test.h5").path, "--out", folder.file("l.h5").path])
        #expect(predict.status == 0, "\(predict.standardError)")
        let escalated = try LogitsFile.readPerSample("escalated", from: folder.file("l.h5"))
        #expect(escalated.count == 32 && escalated.allSatisfy { $0 == 0 || $0 == 1 })

        // A bench row naming both members, with the cascade's curve drawn from their measured latencies.
        let bench = try condenser(["bench", folder.file("t.h5").path, folder.file("s.h5").path, out, "--data", folder.file("test.h5").path,
                                   "--batch-sizes", "1", "--warmup", "0", "--iterations", "3", "--report", folder.file("r").path])
        try #require(bench.status == 0, "\(bench.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("r/report.json"))) as? [String: Any])
        let rows = try #require(report["models"] as? [[String: Any]])
        let row = try #require(rows.last)
        #expect(row["name"] as? String == "cascade (s → t)" && row["precision"] as? String == "cascade")
        #expect((row["members"] as? [String])?.count == 2 && (row["cascade_curve"] as? [[String: Any]])?.count == 14)
        #expect(try String(contentsOf: folder.file("r/report.svg"), encoding: .utf8).contains(#"class="cascade-curve""#))
    }

    @Test func badRequestsGiveOneLine() throws {
        try Data("{\"format\": \"condenser-cascade\"}".utf8).write(to: folder.file("bad.json"))
        let calib = folder.file("calib.h5").path
        let cases: [([String], String)] = [
            (["cascade", folder.file("s.h5").path, folder.file("t.h5").path, "--data", calib, "--retain", "1.5"], "--retain"),
            (["cascade", folder.file("s.h5").path, folder.file("t.h5").path, "--data", calib, "--signal", "vibes"], "--signal"),
            (["cascade", folder.file("s.h5").path, folder.file("t.h5").path, "--data", calib, "--out", calib], "is this command's input"),
            (["eval", folder.file("bad.json").path, "--data", calib], "bad.json: format_version: missing"),
            (["predict", folder.file("s.h5").path, "--data", calib, "--out", folder.file("p.h5").path, "--certainty"], ""),
        ]
        for (arguments, expected) in cases.dropLast() {
            let result = try condenser(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains(expected) && !result.standardError.contains("Fatal error"),
                    "\(arguments): \(result.standardError)")
        }
        // --certainty adds the five signals beside the logits.
        let certainty = try condenser(cases.last!.0)
        #expect(certainty.status == 0, "\(certainty.standardError)")
        for name in ["vision_certainty", "text_certainty", "confidence", "margin", "entropy"] {
            #expect(try LogitsFile.readPerSample(name, from: folder.file("p.h5")).count == 64, "\(name)")
        }
    }
}
