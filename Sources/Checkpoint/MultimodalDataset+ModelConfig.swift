import Models

extension MultimodalDataset {
    /// Checks that a model of `config` can read this data: images of `image_size` square,
    /// questions no longer than `max_text_len`, a vocabulary within `vocab_size` and answers
    /// within `num_classes`.
    /// - Throws: `.incompatibleWithModel` naming `source` and the config key.
    public func validate(against config: ModelConfig) throws(CheckpointError) {
        func incompatible(_ key: String, _ reason: String) -> CheckpointError {
            .incompatibleWithModel(file: source, key: key, reason: reason)
        }
        guard imageHeight == config.imageSize, imageWidth == config.imageSize else {
            throw incompatible("image_size",
                               "images are \(imageHeight)×\(imageWidth), the model takes \(config.imageSize)×\(config.imageSize)")
        }
        guard textLength <= config.maxTextLen else {
            throw incompatible("max_text_len", "questions have \(textLength) tokens, the model takes at most \(config.maxTextLen)")
        }
        guard vocab.count <= config.vocabSize else {
            throw incompatible("vocab_size", "the vocabulary has \(vocab.count) words, the model embeds \(config.vocabSize)")
        }
        guard answers.count <= config.numClasses else {
            throw incompatible("num_classes", "there are \(answers.count) answers, the model has \(config.numClasses) classes")
        }
    }
}
