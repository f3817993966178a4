import Models
import TensorCore

/// Random images and questions for `config`, deterministic for `seed`: [B, S, S, 3] bytes and
/// [B, length] tokens, question b ending in b % 3 padding tokens.
public func randomInput(_ config: ModelConfig, batch: Int, length: Int, seed: UInt64) -> ModelInput {
    var generator = RandomGenerator(seed: seed)
    let images = (0..<(batch * config.imageSize * config.imageSize * 3)).map { _ in UInt8(generator.integer(below: 256)) }
    var tokens = [Int32](repeating: 0, count: batch * length)
    for b in 0..<batch {
        for l in 0..<(length - b % 3) { tokens[b * length + l] = Int32(1 + generator.integer(below: config.vocabSize - 1)) }
    }
    return ModelInput(images: images, tokens: tokens, batchSize: batch, textLength: length)
}
