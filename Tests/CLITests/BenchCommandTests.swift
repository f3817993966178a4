import Checkpoint
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `condenser bench` on tiny checkpoints made with `condenser init`, run as a user would.
@Suite struct BenchCommandTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    func path(_ name: String) -> String { folder.file(name).path }

    /// A teacher and a smaller student (recipes/quick.json's tiny models) and 12 labelled samples.
    func makeModelsAndData() throws {
        let recipe = try JSONSerialization.jsonObject(
            with: Data(contentsOf: PackagePaths.root.appendingPathComponent("recipes/quick.json"))) as! [String: Any]
        let teacherModel = (recipe["teacher"] as! [String: Any])["model"]!
        let studentModel = (recipe["student"] as! [String: Any])["model"]!
        try JSONSerialization.data(withJSONObject: teacherModel).write(to: folder.file("teacher.json"))
        try JSONSerialization.data(withJSONObject: studentModel).write(to: folder.file("student.json"))
        try #require(condenser("init", "--model", path("teacher.json"), "--seed", "1", "--out", path("teacher.h5")).status == 0)
        try #require(condenser("init", "--model", path("student.json"), "--seed", "2", "--out", path("student.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "12", "--seed", "4", "--out", path("test.h5")).status == 0)
    }

    /// `condenser bench teacher.h5 student.h5` as typed: latency on generated inputs, accuracy left
    /// empty in every format, and one line saying why.
    @Test func withoutDataOnlyLatencyIsMeasured() throws {
        try makeModelsAndData()
        let result = try condenser("bench", path("teacher.h5"), path("student.h5"), "--batch-sizes", "1", "--warmup", "0",
                                   "--iterations", "3", "--threads", "1", "--report", path("report"))
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("bench: no --data: latency on generated inputs"), "\(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("report/report.json")))
                                as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.count == 2 && models.allSatisfy { $0["accuracy"] is NSNull && $0["accuracy_retained"] is NSNull })
        #expect(models.allSatisfy { (($0["latency_ms"] as? [String: Any])?["1"] as? [String: Any])?["p50"] as? Double ?? 0 > 0 })
        let csv = try String(contentsOf: folder.file("report/report.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[6].isEmpty })
        #expect(try String(contentsOf: folder.file("report/report.md"), encoding: .utf8).contains("accuracy was not measured"))
    }

    @Test func reportFilesExistAndParse() throws {
        try makeModelsAndData()
        let result = try condenser("bench", path("teacher.h5"), path("student.h5"), "--data", path("test.h5"),
                                   "--batch-sizes", "1,4", "--warmup", "1", "--iterations", "5", "--threads", "1",
                                   "--report", path("report"))
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("model ") && result.standardOutput.contains("p50 ms"))
        #expect(result.standardOutput.split(separator: "\n").contains { $0.hasPrefix("student ") })

        // JSON: the documented layout, with values that agree with `condenser eval` and the files.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("report/report.json")))
                                as? [String: Any])
        #expect((json["machine"] as? [String: Any])?["threads"] as? Int == 1)
        #expect((json["sgemm_gflops"] as? Double ?? 0) > 0)
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["teacher", "student"])
        for model in models {
            let name = model["name"] as! String
            let evaluated = try condenser("eval", path("\(name).h5"), "--data", path("test.h5"))
            let accuracy = model["accuracy"] as! Double
            #expect(evaluated.standardOutput.contains(String(format: "accuracy %.4f", accuracy)), "\(name): \(evaluated.standardOutput)")
            let bytes = try FileManager.default.attributesOfItem(atPath: path("\(name).h5"))[.size] as! NSNumber
            #expect(model["bytes"] as? Int == bytes.intValue)
            let latency = try #require(model["latency_ms"] as? [String: [String: Double]])
            #expect(Set(latency.keys) == ["1", "4"] && latency.values.allSatisfy { $0["p50"]! > 0 && $0["p50"]! <= $0["p99"]! })
            let throughput = try #require(model["throughput"] as? [String: Double])
            #expect(abs(throughput["4"]! - 4 / (latency["4"]!["p50"]! / 1000)) <= 0.01 * throughput["4"]!)
        }
        #expect((models[0]["speedup"] as? [String: Double]) == ["1": 1, "4": 1])
        // The baseline keeps all of its own accuracy; with none (untrained models can score 0) there is no ratio.
        if models[0]["accuracy"] as! Double > 0 {
            #expect(models[0]["accuracy_retained"] as? Double == 1)
        } else {
            #expect(models[0]["accuracy_retained"] is NSNull)
        }

        // CSV: a row per model and batch size, every row as wide as the header.
        let csv = try String(contentsOf: folder.file("report/report.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 2 * 2)
        #expect(csv.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 18 })

        // SVG: valid XML with one point per model and batch size.
        let parser = XMLParser(data: try Data(contentsOf: folder.file("report/report.svg")))
        let counter = PointCounter()
        parser.delegate = counter
        #expect(parser.parse(), "report.svg is not valid XML: \(String(describing: parser.parserError))")
        #expect(counter.points.sorted() == ["student 1", "student 4", "teacher 1", "teacher 4"])

        let markdown = try String(contentsOf: folder.file("report/report.md"), encoding: .utf8)
        #expect(markdown.contains("| teacher | float32 |") && markdown.contains("## Reading"))
    }

    @Test func corruptCheckpointIsReportedInItsRowAndTheOthersRun() throws {
        try makeModelsAndData()
        try Data("not a checkpoint".utf8).write(to: folder.file("broken.h5"))
        let result = try condenser("bench", path("teacher.h5"), path("broken.h5"), path("student.h5"), "--data", path("test.h5"),
                                   "--batch-sizes", "2", "--warmup", "0", "--iterations", "3", "--report", path("report"))
        #expect(result.status == 1)
        #expect(result.standardError.contains("1 of 3 checkpoints could not be benchmarked") && result.standardError.contains("broken.h5"))
        #expect(!result.standardError.contains("Fatal error") && !result.standardError.contains("HDF5-DIAG"))
        #expect(result.standardOutput.split(separator: "\n").contains { $0.hasPrefix("broken  failed: ") && $0.contains("broken.h5") })
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("report/report.json"))) as! [String: Any]
        let models = json["models"] as! [[String: Any]]
        #expect(models.map { $0["name"] as? String } == ["teacher", "broken", "student"])
        #expect((models[1]["error"] as? String)?.contains("broken.h5") == true && models[1]["latency_ms"] == nil)
        #expect(models[2]["latency_ms"] != nil && models[0]["latency_ms"] != nil)
    }

    @Test func badInputGivesOneClearError() throws {
        try makeModelsAndData()
        var small = try String(contentsOf: folder.file("student.json"), encoding: .utf8)
        small = small.replacingOccurrences(of: "\"image_size\":32", with: "\"image_size\":16")
        try Data(small.utf8).write(to: folder.file("small.json"))
        try #require(condenser("init", "--model", path("small.json"), "--out", path("small.h5")).status == 0)

        let cases: [([String], String)] = [
            (["--batch-sizes", "1,0"], #"--batch-sizes: "0" is not a batch size"#),
            (["--batch-sizes", "1,x"], #"--batch-sizes: "x" is not a batch size"#),
            (["--batch-sizes", "4,4"], "--batch-sizes: 4 is listed twice"),
            (["--iterations", "0"], "--iterations: expected an integer >= 1, got 0"),
            (["--warmup=-1"], "--warmup: expected an integer >= 0, got -1"),
            (["--threads", "0"], "--threads must be at least 1"),
        ]
        for (options, expected) in cases {
            let result = try ChildProcess.run(PackagePaths.condenser.path,
                                              ["bench", path("student.h5"), "--data", path("test.h5"), "--report", path("r")] + options)
            #expect(result.status != 0, "\(options) should fail")
            #expect(result.standardError.contains(expected), "\(options): stderr was \(result.standardError)")
        }
        let missing = try condenser("bench", path("student.h5"), "--data", path("nope.h5"), "--report", path("r"))
        #expect(missing.status != 0 && missing.standardError.contains("nope.h5"), "\(missing.standardError)")
        #expect(!missing.standardError.contains("HDF5-DIAG"))
        let none = try condenser("bench", "--data", path("test.h5"))
        #expect(none.status != 0 && none.standardError.contains("at least one checkpoint"))
        #expect(!FileManager.default.fileExists(atPath: path("r")), "nothing may be written when the command cannot run")

        // A model that does not fit the data: its row says why, naming the file and config key.
        let misfit = try condenser("bench", path("student.h5"), path("small.h5"), "--data", path("test.h5"),
                                   "--iterations", "2", "--warmup", "0")
        #expect(misfit.status == 1)
        #expect(misfit.standardError.contains("small.h5") && misfit.standardError.contains("image_size"), "\(misfit.standardError)")
    }

    @Test func moreThreadsThanCoresWarnsThenRuns() throws {
        try makeModelsAndData()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let result = try condenser("bench", path("student.h5"), "--data", path("test.h5"), "--batch-sizes", "1",
                                   "--warmup", "0", "--iterations", "2", "--threads", String(cores + 2))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("--threads \(cores + 2) is more than the \(cores) cores"))
        #expect(result.standardOutput.contains("\(cores + 2) threads"))
    }
}

/// Collects "model batch" of every `<g class="point">` of an SVG.
final class PointCounter: NSObject, XMLParserDelegate {
    var points: [String] = []

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if element == "g", attributes["class"] == "point" {
            points.append("\(attributes["data-model"] ?? "") \(attributes["data-batch"] ?? "")")
        }
    }
}
