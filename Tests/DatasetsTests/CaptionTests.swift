import Checkpoint
import Foundation
import Testing
@testable import Datasets

/// Captions describe each scene in the task's words, without changing the samples, and survive a
/// file round trip; broken caption arrays are refused with the array named.
@Suite struct CaptionTests {
    @Test func captionsDescribeTheSceneLeftToRight() {
        let objects = [SceneObject(shape: 1, color: 2, size: 1, x: 20, y: 10),   // large blue square
                       SceneObject(shape: 0, color: 0, size: 0, x: 5, y: 10),    // small red circle
                       SceneObject(shape: 3, color: 1, size: 0, x: 21, y: 25)]   // small green diamond, below the square
        #expect(ShapesGenerator.caption(of: objects) == ["a", "small", "red", "circle", "left", "of", "a", "large", "blue", "square",
                                                         "above", "a", "small", "green", "diamond"])
    }

    @Test func captionsLeaveTheSamplesAsTheyWereAndRoundTrip() throws {
        let plain = ShapesGenerator.generate(count: 40, seed: 9)
        let captioned = ShapesGenerator.generate(count: 40, seed: 9, captions: true)
        #expect(plain.captions == nil && captioned.captionLength == ShapesGenerator.captionLength)
        #expect(captioned.images == plain.images && captioned.tokens == plain.tokens && captioned.labels == plain.labels)
        // Every caption names as many objects as the scene holds ("a" once per object), in known words.
        let words = ShapesVocabulary.words
        for sample in 0..<40 {
            let ids = captioned.captions![(sample * 24)..<((sample + 1) * 24)].filter { $0 != 0 }
            #expect(!ids.isEmpty && ids.allSatisfy { Int($0) < words.count })
            #expect(words[Int(ids.first!)] == "a")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("captions-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("c.h5")
        try captioned.write(to: url)
        let read = try MultimodalDataset.read(from: url)
        #expect(read.captions == captioned.captions && read.captionLength == 24)
        // A mismatched set keeps each caption with its image.
        let shifted = DataShift.mismatched.apply(to: captioned, seed: 1)
        let imageBytes = 32 * 32 * 3
        for sample in 0..<40 {
            let image = Array(shifted.images[(sample * imageBytes)..<((sample + 1) * imageBytes)])
            let source = (0..<40).first { Array(captioned.images[($0 * imageBytes)..<(($0 + 1) * imageBytes)]) == image }!
            #expect(shifted.captions![(sample * 24)..<((sample + 1) * 24)] == captioned.captions![(source * 24)..<((source + 1) * 24)])
        }
    }

    @Test func brokenCaptionsAreRefusedByName() {
        let data = ShapesGenerator.generate(count: 2, seed: 1)
        func make(_ captions: [Int32], length: Int) throws {
            _ = try MultimodalDataset(images: data.images, count: 2, imageHeight: 32, imageWidth: 32, tokens: data.tokens,
                                      textLength: data.textLength, labels: data.labels, vocab: data.vocab, answers: data.answers,
                                      source: "d.h5", captions: captions, captionLength: length)
        }
        #expect(throws: CheckpointError.invalidDataset(file: "d.h5", name: "captions", reason: "3 ids do not fill [2, 2]")) {
            try make([1, 2, 3], length: 2)
        }
        #expect(throws: CheckpointError.invalidDataset(file: "d.h5", name: "captions",
                                                       reason: "id 99 at sample 1, position 0 is outside the vocabulary of 37")) {
            try make([1, 2, 99, 0], length: 2)
        }
    }
}
