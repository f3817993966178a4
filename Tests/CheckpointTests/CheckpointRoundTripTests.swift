import Checkpoint
import Foundation
import HDF5
import Models
import Testing
import TestSupport

/// Saving then loading gives back the model bit for bit, and the file has the documented layout.
@Suite struct CheckpointRoundTripTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    @Test func tensorsAndMetadataRoundTripExactly() throws {
        let url = folder.file("student.h5")
        let model = try Fixtures.checkpoint(at: url, seed: 11)
        let (metadata, tensors) = try CheckpointFile.read(from: url)
        #expect(metadata == Fixtures.metadata())
        #expect(Set(tensors.keys) == Set(model.namedParameters.map(\.name)))
        for (name, parameter) in model.namedParameters {
            #expect(tensors[name]?.shape == parameter.shape, "\(name)")
            #expect(tensors[name]?.storage.map(\.bitPattern) == parameter.storage.map(\.bitPattern), "\(name)")
        }

        let (loaded, loadedMetadata) = try CheckpointFile.loadModel(from: url)
        #expect(loadedMetadata == metadata)
        #expect(loaded.config == model.config)
        #expect(loaded.namedParameters.map(\.name) == model.namedParameters.map(\.name))
        for ((_, mine), (_, theirs)) in zip(loaded.namedParameters, model.namedParameters) {
            #expect(mine.storage.map(\.bitPattern) == theirs.storage.map(\.bitPattern))
        }
    }

    @Test func metricsAreOptional() throws {
        let url = folder.file("no-metrics.h5")
        try CheckpointFile.write(model: Fixtures.model(), metadata: Fixtures.metadata(metrics: nil), to: url)
        #expect(try CheckpointFile.read(from: url).metadata.metrics == nil)
        #expect(try HDF5File(readingFrom: url.path).root.hasAttribute("metrics") == false)
    }

    /// The layout as docs/checkpoint-format.md describes it, read with the HDF5 module.
    @Test func fileHasTheDocumentedLayout() throws {
        let url = folder.file("layout.h5")
        let model = try Fixtures.checkpoint(at: url)
        let root = try HDF5File(readingFrom: url.path).root
        #expect(try root.stringAttribute("format") == "condenser-checkpoint")
        #expect(try root.attributeType("format_version") == .int64)
        #expect(try root.int64Attribute("format_version") == 1)
        #expect(try root.stringAttribute("precision") == "float32")
        #expect(try ModelConfig.decode(json: Data(root.stringAttribute("model_config").utf8)) == Fixtures.config)
        let provenance = try JSONSerialization.jsonObject(with: Data(root.stringAttribute("provenance").utf8)) as? [String: String]
        #expect(provenance == ["command": "condenser distill --teacher t.h5", "source": "checkpoints/teacher.h5",
                               "tool_version": "0.1.0-test", "time": "2025-01-31T12:00:00Z"])
        let metrics = try JSONSerialization.jsonObject(with: Data(root.stringAttribute("metrics").utf8)) as? [String: Double]
        #expect(metrics == ["accuracy": 0.875, "loss": 0.3125])

        let expectedPaths = model.namedParameters.map { $0.name.replacingOccurrences(of: ".", with: "/") }
        #expect(try root.openGroup("model").datasetPaths().sorted() == expectedPaths.sorted())
        let name = try #require(model.namedParameters.first { $0.name.hasSuffix("self_attn.in_proj_weight") })
        let dataset = try root.openDataset("model/" + name.name.replacingOccurrences(of: ".", with: "/"))
        #expect(dataset.elementType == .float32)
        #expect(dataset.shape == name.tensor.shape)
    }
}
