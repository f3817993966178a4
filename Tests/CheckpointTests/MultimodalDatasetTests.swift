import Checkpoint
import Foundation
import HDF5
import Models
import Testing
import TestSupport

@Suite struct MultimodalDatasetTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    /// Three 8×8 samples with questions of length 4; pixel values count up from the sample index.
    private func sample(labels: [Int32]? = [2, 0, 1], tokens: [Int32]? = nil,
                        source: String = "in-memory dataset") throws -> MultimodalDataset {
        try MultimodalDataset(
            images: (0..<3 * 8 * 8 * 3).map { UInt8($0 % 251) }, count: 3, imageHeight: 8, imageWidth: 8,
            tokens: tokens ?? [1, 2, 0, 0, 3, 1, 2, 0, 4, 0, 0, 0], textLength: 4, labels: labels,
            vocab: ["<pad>", "is", "it", "red", "?"], answers: ["yes", "no", "maybe"], source: source)
    }

    @Test func writeThenReadGivesTheSameData() throws {
        let url = folder.file("data/train.h5")
        let original = try sample()
        try original.write(to: url)
        let read = try MultimodalDataset.read(from: url)
        #expect(read.images == original.images && read.tokens == original.tokens && read.labels == original.labels)
        #expect(read.vocab == original.vocab && read.answers == original.answers)
        #expect((read.count, read.imageHeight, read.imageWidth, read.textLength) == (3, 8, 8, 4))
        #expect(read.source == url.path)

        let unlabelled = folder.file("test.h5")
        try sample(labels: nil).write(to: unlabelled)
        #expect(try MultimodalDataset.read(from: unlabelled).labels == nil)
        #expect(try HDF5File(readingFrom: unlabelled.path).root.kind(of: "labels") == nil)
    }

    @Test func batchesCopySamplesInTheOrderAsked() throws {
        let dataset = try sample()
        let batch = dataset.batch([2, 0])
        let imageSize = 8 * 8 * 3
        #expect(batch.count == 2 && batch.textLength == 4)
        #expect(batch.images == Array(dataset.images[2 * imageSize ..< 3 * imageSize] + dataset.images[0 ..< imageSize]))
        #expect(batch.tokens == [4, 0, 0, 0, 1, 2, 0, 0])
        #expect(batch.labels == [1, 2])
        #expect(batch.input.batchSize == 2 && batch.input.tokens == batch.tokens)
        #expect(dataset.batch(1..<3).tokens == [3, 1, 2, 0, 4, 0, 0, 0])
        #expect(try sample(labels: nil).batch(0..<1).labels == nil)
    }

    @Test func idsOutOfRangeAreRejected() throws {
        #expect(throws: CheckpointError.invalidDataset(file: "d.h5", name: "tokens",
                                                       reason: "id 5 at sample 1, position 2 is outside the vocabulary of 5")) {
            try sample(tokens: [1, 2, 0, 0, 3, 1, 5, 0, 4, 0, 0, 0], source: "d.h5")
        }
        #expect(throws: CheckpointError.invalidDataset(file: "d.h5", name: "labels", reason: "id 3 at sample 2 is outside the 3 answers")) {
            try sample(labels: [0, 1, 3], source: "d.h5")
        }
        #expect(throws: CheckpointError.invalidDataset(file: "d.h5", name: "labels", reason: "2 labels for 3 samples")) {
            try sample(labels: [0, 1], source: "d.h5")
        }
    }

    @Test func malformedFilesNameTheFileAndArray() throws {
        func write(_ name: String, _ fill: (HDF5Group) throws -> Void) throws -> URL {
            let url = folder.file(name)
            let file = try HDF5File(creating: url.path)
            try fill(file.root)
            try file.close()
            return url
        }
        func valid(_ root: HDF5Group, tokenCount: Int = 2) throws {
            try root.createDataset("tokens", values: [Int32](repeating: 1, count: tokenCount * 3), shape: [tokenCount, 3])
            try root.setAttribute("vocab", #"["<pad>", "a"]"#)
            try root.setAttribute("answers", #"["x"]"#)
        }

        let wrongType = try write("int-images.h5") { root in
            try root.createDataset("images", values: [Int32](repeating: 0, count: 2 * 4 * 4 * 3), shape: [2, 4, 4, 3])
            try valid(root)
        }
        #expect(throws: CheckpointError.invalidDataset(file: wrongType.path, name: "images",
                                                       reason: "is int32 [2, 4, 4, 3], expected uint8 [N, H, W, 3]")) {
            try MultimodalDataset.read(from: wrongType)
        }

        let mismatched = try write("mismatched.h5") { root in
            try root.createDataset("images", values: [UInt8](repeating: 0, count: 2 * 4 * 4 * 3), shape: [2, 4, 4, 3])
            try valid(root, tokenCount: 3)
        }
        #expect(throws: CheckpointError.invalidDataset(file: mismatched.path, name: "tokens", reason: "has 3 samples, images has 2")) {
            try MultimodalDataset.read(from: mismatched)
        }

        let noVocab = try write("no-vocab.h5") { root in
            try root.createDataset("images", values: [UInt8](repeating: 0, count: 2 * 4 * 4 * 3), shape: [2, 4, 4, 3])
            try root.createDataset("tokens", values: [Int32](repeating: 1, count: 6), shape: [2, 3])
            try root.setAttribute("answers", #"["x"]"#)
        }
        #expect(throws: CheckpointError.invalidAttribute(file: noVocab.path, name: "vocab", reason: "missing")) {
            try MultimodalDataset.read(from: noVocab)
        }

        let noImages = try write("no-images.h5") { root in try valid(root) }
        let error = #expect(throws: CheckpointError.self) { try MultimodalDataset.read(from: noImages) }
        #expect(error?.description.hasPrefix("\(noImages.path): 'images': missing") == true)
    }

    @Test func validationAgainstTheModelNamesTheConfigKey() throws {
        var config = Fixtures.config  // image_size 8, max_text_len 8, vocab_size 16, num_classes 4
        let dataset = try sample(source: "val.h5")
        try dataset.validate(against: config)

        func key(_ config: ModelConfig) -> String? {
            let error = #expect(throws: CheckpointError.self) { try dataset.validate(against: config) }
            #expect(error?.description.hasPrefix("val.h5: ") == true)
            guard case let .incompatibleWithModel("val.h5", key, _) = error else { return nil }
            return key
        }
        config.imageSize = 16
        #expect(key(config) == "image_size")
        config = Fixtures.config
        config.maxTextLen = 3
        #expect(key(config) == "max_text_len")
        config = Fixtures.config
        config.vocabSize = 4
        #expect(key(config) == "vocab_size")
        config = Fixtures.config
        config.numClasses = 2
        #expect(key(config) == "num_classes")
    }
}
