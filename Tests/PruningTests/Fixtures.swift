import Checkpoint
import Models
import TensorCore

/// Two vision layers of 4 heads, one text layer of 2, a 4-head fusion: every pruning path has room.
let pruningConfig = ModelConfig(imageSize: 8, patchSize: 2, visionDim: 16, visionDepth: 2, visionHeads: 4,
                                vocabSize: 12, maxTextLen: 6, textDim: 8, textDepth: 1, textHeads: 2,
                                fusionDim: 16, fusionHeads: 4, numClasses: 5, mlpRatio: 2)


/// A labelled in-memory data set of `count` random samples with questions of 4 tokens.
func randomDataset(_ config: ModelConfig, count: Int, seed: UInt64, imageSize: Int? = nil) throws -> MultimodalDataset {
    let size = imageSize ?? config.imageSize
    var generator = RandomGenerator(seed: seed)
    let images = (0..<(count * size * size * 3)).map { _ in UInt8(generator.integer(below: 256)) }
    let tokens = (0..<(count * 4)).map { i in i % 4 == 3 ? 0 : Int32(1 + generator.integer(below: config.vocabSize - 1)) }
    let labels = (0..<count).map { _ in Int32(generator.integer(below: config.numClasses)) }
    return try MultimodalDataset(images: images, count: count, imageHeight: size, imageWidth: size, tokens: tokens,
                                 textLength: 4, labels: labels, vocab: (0..<config.vocabSize).map { "w\($0)" },
                                 answers: (0..<config.numClasses).map { "a\($0)" }, source: "random.h5")
}

/// Largest absolute difference of two equally shaped tensors.
func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.storage, b.storage).map { Swift.abs($0 - $1) }.max() ?? 0
}
