import Checkpoint
import Foundation
import Models
import Testing
import TestSupport
@testable import Benchmarking

/// `Benchmark.run` on real (tiny) checkpoint files: measured figures against independent counts.
@Suite struct BenchmarkRunTests {
    static let config = ModelConfig(imageSize: 8, patchSize: 4, visionDim: 16, visionDepth: 1, visionHeads: 2,
                                    vocabSize: 16, maxTextLen: 8, textDim: 16, textDepth: 1, textHeads: 2,
                                    fusionDim: 16, fusionHeads: 2, numClasses: 4)
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    /// `count` samples of 8×8 images and 6-token questions with labels in 0..<4, from a fixed pattern.
    static func data(count: Int) throws -> MultimodalDataset {
        try MultimodalDataset(images: (0..<(count * 8 * 8 * 3)).map { UInt8(($0 * 37) % 256) }, count: count,
                              imageHeight: 8, imageWidth: 8,
                              tokens: (0..<(count * 6)).map { Int32(1 + ($0 * 5) % 15) }, textLength: 6,
                              labels: (0..<count).map { Int32(($0 * 3) % 4) },
                              vocab: (0..<16).map { "w\($0)" }, answers: ["a", "b", "c", "d"], source: "pattern")
    }

    func checkpoint(_ name: String, seed: UInt64, config: ModelConfig = Self.config) throws -> (URL, FusionModel) {
        let model = FusionModel(config: config, seed: seed)
        let url = folder.file(name)
        try CheckpointFile.write(model: model, metadata: CheckpointMetadata(
            config: config, provenance: Provenance(command: "test", source: "test", toolVersion: "test")), to: url)
        return (url, model)
    }

    @Test func measuresEveryReadableCheckpointAndReportsTheRest() throws {
        let data = try Self.data(count: 10)
        let (teacherURL, teacher) = try checkpoint("teacher.h5", seed: 1)
        let (studentURL, student) = try checkpoint("student.h5", seed: 2)
        try Data("not an HDF5 file".utf8).write(to: folder.file("corrupt.h5"))
        var wide = Self.config
        wide.imageSize = 16
        let (wideURL, _) = try checkpoint("wide.h5", seed: 3, config: wide)

        var lines: [String] = []
        let report = try Benchmark(settings: BenchmarkSettings(batchSizes: [1, 4], warmup: 1, iterations: 3))
            .run(checkpoints: [teacherURL, folder.file("corrupt.h5"), studentURL, wideURL], data: data) { lines.append($0) }

        #expect(report.entries.map(\.name) == ["teacher", "corrupt", "student", "wide"])
        #expect(report.entries[1].error?.contains("corrupt.h5") == true)
        #expect(report.entries[3].error?.contains("image_size") == true, "\(report.entries[3].error ?? "")")
        #expect(report.sgemmGFLOPS > 0 && report.sampleCount == 10)
        for (entry, model) in [(report.entries[0], teacher), (report.entries[2], student)] {
            let measurement = try #require(entry.measurement)
            // Accuracy by a plain loop over the samples, one at a time.
            var hits = 0
            for index in 0..<data.count {
                let logits = model.predict(data.batch([index]).input).storage
                if logits.firstIndex(of: logits.max()!)! == Int(data.labels![index]) { hits += 1 }
            }
            #expect(measurement.accuracy == Double(hits) / 10)
            #expect(measurement.parameters == model.namedParameters.reduce(0) { $0 + $1.tensor.shape.reduce(1, *) })
            #expect(measurement.bytes == (try FileManager.default.attributesOfItem(atPath: entry.path)[.size] as! NSNumber).intValue)
            #expect(measurement.flopsPerSample == Self.config.forwardFLOPs() && measurement.precision == "float32")
            #expect(measurement.latency.keys.sorted() == [1, 4])
            for latency in measurement.latency.values {
                #expect(latency.iterations == 3 && 0 < latency.p50 && latency.p50 <= latency.p90 && latency.p90 <= latency.p99)
            }
        }
        #expect(lines.contains { $0.hasPrefix("bench: sgemm 512×512×512") })
        #expect(lines.contains { $0.hasPrefix("bench: corrupt: ") })
    }

    @Test func batchesRepeatTheDataWhenItIsSmall() throws {
        let data = try Self.data(count: 3)
        let inputs = Benchmark.inputs(from: data, batchSize: 7)
        let expected = data.batch([0, 1, 2, 0, 1, 2, 0])
        #expect(inputs.count == 1 && inputs[0].batchSize == 7 && inputs[0].images == expected.images
                && inputs[0].tokens == expected.tokens)
    }

    @Test func timedPassesRotateThroughConsecutiveBatches() throws {
        let data = try Self.data(count: 10)
        let inputs = Benchmark.inputs(from: data, batchSize: 3)
        #expect(inputs.count == 3)
        #expect(inputs.map(\.images) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]].map { data.batch($0).images })
    }

    @Test func unusableDataOrSettingsStopBeforeMeasuring() throws {
        let (url, _) = try checkpoint("m.h5", seed: 1)
        let unlabelled = try MultimodalDataset(images: [UInt8](repeating: 0, count: 8 * 8 * 3), count: 1, imageHeight: 8, imageWidth: 8,
                                               tokens: [1, 0], textLength: 2, labels: nil, vocab: ["", "x"], answers: ["a"], source: "u.h5")
        #expect(throws: BenchmarkError.unusableData(file: "u.h5", reason: "has no /labels dataset, so accuracy cannot be measured")) {
            try Benchmark(settings: BenchmarkSettings()).run(checkpoints: [url], data: unlabelled)
        }
        let data = try Self.data(count: 2)
        #expect(throws: BenchmarkError.invalidSettings(
            SettingError("batch_sizes", "batch size 0 is not allowed; each must be at least 1"))) {
            try Benchmark(settings: BenchmarkSettings(batchSizes: [1, 0])).run(checkpoints: [url], data: data)
        }
        #expect(throws: BenchmarkError.invalidSettings(SettingError("batch_sizes", "batch size 4 is listed twice"))) {
            try Benchmark(settings: BenchmarkSettings(batchSizes: [4, 1, 4])).run(checkpoints: [url], data: data)
        }
    }

    @Test func namesAreFileStemsUnlessTheyCollide() {
        #expect(BenchmarkEntry.names(for: ["out/teacher.h5", "student.h5", "model"]) == ["teacher", "student", "model"])
        #expect(BenchmarkEntry.names(for: ["a/student.h5", "b/student.h5", "c/teacher.h5"]) == ["a/student.h5", "b/student.h5", "teacher"])
    }
}
