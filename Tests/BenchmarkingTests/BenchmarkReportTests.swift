import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Benchmarking

/// The report's derived figures and its four files, on the hand-made report of `ReportFixture`.
@Suite struct BenchmarkReportTests {
    let report = ReportFixture.report

    @Test func comparisonsWithTheBaseline() {
        let student = report.entries[1].measurement!
        #expect(report.speedup(student, batchSize: 1) == 4)      // 2 ms / 0.5 ms
        #expect(report.speedup(student, batchSize: 32) == 5)     // 50 ms / 10 ms
        #expect(abs(report.accuracyRetained(student)! - 0.98) < 1e-12)
        #expect(student.throughput(batchSize: 32) == 3200)       // 32 samples / 10 ms
        #expect(report.paretoFrontier(batchSize: 1).map(\.name) == ["a&b<c>", "student", "teacher"])
        #expect(report.failures.map(\.name) == ["corrupt"])
    }

    @Test func shareOfSGEMMAndOfPeak() {
        // The student: 2.5 MFLOP/sample × 3200 samples/s = 8 GFLOP/s at batch 32; sgemm 100, peak 160 GFLOP/s.
        let student = report.entries[1].measurement!
        #expect(abs(student.gigaflops(batchSize: 32)! - 8) < 1e-9)
        #expect(abs(report.fractionOfSGEMM(student, batchSize: 32)! - 0.08) < 1e-12)
        #expect(abs(report.fractionOfPeak(student, batchSize: 32)! - 0.05) < 1e-12)
        #expect(report.machine.peakClause(100) == " (62% of the 160.0 GFLOP/s peak)")
        #expect(report.machine.slowSGEMMWarning(100) == nil)
        #expect(!report.terminalTable().contains("warning:") && !report.markdown().contains("Warning:"))
        // Below a quarter of the peak (39 of 160), the table and the reading say so.
        var slow = report
        slow.sgemmGFLOPS = 39
        #expect(slow.terminalTable().split(separator: "\n")[1]
            .hasPrefix("warning: sgemm reached only 24% of this machine's theoretical peak (39.0 of 160.0 GFLOP/s): "
                       + "OpenBLAS's Haswell core"))
        #expect(slow.markdown().contains("Warning: sgemm reached only 24%"))
        // Without a known clock there is no peak and no warning.
        slow.machine.peak = nil
        #expect(slow.fractionOfPeak(student, batchSize: 32) == nil && slow.machine.slowSGEMMWarning(39) == nil)
    }

    @Test func noBaselineMeansNoComparisons() {
        var failedBaseline = report
        failedBaseline.entries[0].outcome = .failed("teacher.h5: missing")
        let student = failedBaseline.entries[1].measurement!
        #expect(failedBaseline.speedup(student, batchSize: 1) == nil && failedBaseline.accuracyRetained(student) == nil)
        #expect(failedBaseline.markdown().contains("The baseline (the first model) could not be measured"))
    }

    @Test func jsonFollowsTheDocumentedLayout() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        #expect(object["sgemm_gflops"] as? Double == 100)
        let machine = try #require(object["machine"] as? [String: Any])
        #expect(machine["cpu"] as? String == "Test CPU <fast> & cheap" && machine["threads"] as? Int == 2
                && machine["simd"] as? String == "AVX2+FMA")
        #expect(machine["blas_core"] as? String == "Haswell" && (machine["peak"] as? [String: Any])?["gflops"] as? Double == 160)
        #expect(object["sgemm_fraction_of_peak"] as? Double == 0.625)
        let models = try #require(object["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["teacher", "student", "student-scratch", "a&b<c>", "corrupt"])
        let student = models[1]
        for key in ["name", "path", "precision", "params", "bytes", "flops_per_sample", "accuracy", "latency_ms", "throughput", "speedup",
                    "accuracy_retained", "gflops", "fraction_of_sgemm", "fraction_of_peak"] {
            #expect(student[key] != nil, "missing \(key)")
        }
        let latency = try #require(student["latency_ms"] as? [String: [String: Double]])
        #expect(latency["1"] == ["p50": 0.5, "p90": 0.55, "p99": 0.75] && latency["32"]?["p50"] == 10)
        #expect((student["throughput"] as? [String: Double])?["32"] == 3200)
        #expect((student["speedup"] as? [String: Double]) == ["1": 4, "32": 5])
        #expect((student["gflops"] as? [String: Double]) == ["1": 5, "32": 8])
        #expect((student["fraction_of_sgemm"] as? [String: Double]) == ["1": 0.05, "32": 0.08])
        #expect((student["fraction_of_peak"] as? [String: Double]) == ["1": 0.0313, "32": 0.05])
        #expect(student["accuracy_retained"] as? Double == 0.98 && student["accuracy"] as? Double == 0.49)
        #expect(models[4]["error"] as? String == "out/corrupt.h5: not a checkpoint, \"junk\"" && models[4]["latency_ms"] == nil)
    }

    @Test func csvHasARowPerModelAndBatchSize() throws {
        let lines = report.csv().split(separator: "\n").map(String.init)
        #expect(lines[0] == BenchmarkReport.csvHeader.joined(separator: ","))
        #expect(lines.count == 1 + 4 * 2 + 1)  // header, four models × two batch sizes, one failed row
        let student32 = lines.first { $0.hasPrefix("student,") && $0.contains(",32,") }!
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(student32.count == BenchmarkReport.csvHeader.count)
        let column = { (name: String) in student32[BenchmarkReport.csvHeader.firstIndex(of: name)!] }
        #expect(column("latency_p50_ms") == "10.0" && column("speedup") == "5.0" && column("throughput_samples_per_s") == "3200.0")
        #expect(column("accuracy_retained") == "0.98" && column("batch_size") == "32" && column("error").isEmpty)
        #expect(column("gflops") == "8.0" && column("fraction_of_sgemm") == "0.08" && column("fraction_of_peak") == "0.05")
        // The error has a comma and quotes: quoted, quotes doubled.
        #expect(lines.last == #"corrupt,out/corrupt.h5,,,,,,,,,,,,,,,,"out/corrupt.h5: not a checkpoint, ""junk""""#)
    }

    @Test func markdownHasTheTableAndAReading() {
        let text = report.markdown()
        #expect(text.contains("| model | precision | params |"))
        #expect(text.contains("| student | float32 | 1,000 | 6.0 kB | 2.5 | 49.00% | 98.0% | 1 | 0.500 | 0.550 | 0.750 | 2000 | 4.00× "
                              + "| 5.0 | 5% | 3% |"))
        #expect(text.contains("![Accuracy against p50 latency, log scale](report.svg)"))
        #expect(text.contains("Fastest model keeping at least 97% of the baseline's accuracy: **student**, with 98.0% of its accuracy "
                              + "at 0.25× at batch 1 and 0.20× at batch 32 of its p50 latency."))
        #expect(text.contains("Dominated at every batch size (another model is at least as fast and as accurate): student-scratch."))
        #expect(text.contains("Could not be measured: **corrupt**"))
        // Load 0.25 → 0.5 on 2 cores: nothing queued. 2.5 on 2 cores: threads queued for a core.
        #expect(!text.contains("The load average reached"))
        var busy = report
        busy.machine.loadAverageAfter = 2.5
        #expect(busy.markdown().contains("The load average reached 2.50 on 2 cores"))
    }

    @Test func terminalTableAlignsColumns() {
        let lines = report.terminalTable().split(separator: "\n").map(String.init)
        let header = lines[1], studentRow = lines.first { $0.hasPrefix("student ") }!
        // "p50 ms" right-aligned: the student's p50 ends where the header's title ends.
        let headerEnd = header.range(of: "p50 ms")!.upperBound
        let p50End = studentRow.range(of: "0.500")!.upperBound
        #expect(header.distance(from: header.startIndex, to: headerEnd) == studentRow.distance(from: studentRow.startIndex, to: p50End))
        #expect(lines.contains { $0.hasPrefix("corrupt  failed: out/corrupt.h5") })
    }

    @Test func svgIsValidXMLWithOnePointPerModelAndBatchSize() throws {
        let chart = try SVGContents(report.svg())
        // Four measured models, each with a point per batch size; the failed one has none.
        #expect(chart.points.count == 8)
        for name in ["teacher", "student", "student-scratch", "a&b<c>"] {
            #expect(chart.points.filter { $0.model == name }.map(\.batch).sorted() == ["1", "32"], "\(name)")
        }
        #expect(chart.labels.filter { $0 == "a&b<c>" }.count == 2, "labels are escaped and read back")
        // Frontier at batch 1: a&b<c> → student → teacher, as a step line of 2·3 − 1 corners.
        #expect(chart.frontiers.map(\.batch) == ["1", "32"])
        #expect(chart.frontiers[0].corners == 5 && chart.frontiers[1].corners == 5)
        #expect(chart.texts.contains("p50 latency per batch (ms, log scale)") && chart.texts.contains("test accuracy (%)"))
        #expect(chart.texts.contains("0.1") && chart.texts.contains("1") && chart.texts.contains("10") && chart.texts.contains("100"))
        #expect(chart.texts.contains("batch 1") && chart.texts.contains("batch 32"))
    }

    @Test func writesFourFilesAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try report.write(to: folder.appendingPathComponent("nested"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("nested").path).sorted()
            == ["report.csv", "report.json", "report.md", "report.svg"])
    }
}

/// What an SVG says, read with Foundation's XML parser (which fails on malformed XML).
struct SVGContents {
    var points: [(model: String, batch: String)] = []
    var frontiers: [(batch: String, corners: Int)] = []
    var labels: [String] = []
    var texts: [String] = []

    init(_ text: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw SVGError(description: "invalid XML: \(String(describing: parser.parserError))") }
        self = delegate.contents
    }

    struct SVGError: Error, CustomStringConvertible { let description: String }

    final class Delegate: NSObject, XMLParserDelegate {
        var contents = SVGContents(empty: ())
        var inPoint = false
        var text: String?

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if element == "g", attributes["class"] == "point" {
                contents.points.append((attributes["data-model"] ?? "", attributes["data-batch"] ?? ""))
                inPoint = true
            }
            if element == "polyline", attributes["class"] == "frontier" {
                contents.frontiers.append((attributes["data-batch"] ?? "", (attributes["points"] ?? "").split(separator: " ").count))
            }
            if element == "text" { text = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "text", let text {
                contents.texts.append(text)
                if inPoint { contents.labels.append(text) }
                self.text = nil
            }
            if element == "g" { inPoint = false }
        }
    }

    private init(empty: Void) {}
}
