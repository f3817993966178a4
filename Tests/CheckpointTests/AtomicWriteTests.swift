import Checkpoint
import Foundation
import Testing
import TestSupport

/// Saving replaces the previous file only when the new one is complete, and leaves no temporary file.
@Suite struct AtomicWriteTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    @Test func createsTheFolderAndReplacesThePreviousFile() throws {
        let url = folder.url.appendingPathComponent("runs/7/model.h5")
        _ = try Fixtures.checkpoint(at: url, seed: 1)
        let second = try Fixtures.checkpoint(at: url, seed: 2)
        let loaded = try CheckpointFile.loadModel(from: url).model
        #expect(loaded.namedParameters[0].tensor.storage == second.namedParameters[0].tensor.storage)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["model.h5"])
    }

    /// Metrics that are not finite cannot be JSON; the failure comes after the temporary file is
    /// created and partly written.
    @Test func failureMidwayKeepsThePreviousFile() throws {
        let url = folder.file("model.h5")
        _ = try Fixtures.checkpoint(at: url)
        let before = try Data(contentsOf: url)
        let error = #expect(throws: CheckpointError.self) {
            try CheckpointFile.write(model: Fixtures.model(seed: 99), metadata: Fixtures.metadata(metrics: ["loss": .nan]), to: url)
        }
        guard case .cannotWrite(url.path, let reason) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("metrics"))
        #expect(try Data(contentsOf: url) == before)
        #expect(try folder.contents() == ["model.h5"])
    }

    /// The rename at the end fails when the destination is a folder; the new file was complete.
    @Test func failedRenameRemovesTheTemporaryFile() throws {
        let url = folder.file("taken.h5")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let error = #expect(throws: CheckpointError.self) {
            try CheckpointFile.write(model: Fixtures.model(), metadata: Fixtures.metadata(), to: url)
        }
        guard case .cannotWrite(url.path, _) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(try folder.contents() == ["taken.h5"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path) == ["inside"])
    }

    @Test func metadataForAnotherModelIsRefusedBeforeWriting() throws {
        let url = folder.file("model.h5")
        var metadata = Fixtures.metadata()
        metadata.config.numClasses = 5
        let error = #expect(throws: CheckpointError.self) {
            try CheckpointFile.write(model: Fixtures.model(), metadata: metadata, to: url)
        }
        guard case .cannotWrite(url.path, _) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(try folder.contents() == [])
    }
}
