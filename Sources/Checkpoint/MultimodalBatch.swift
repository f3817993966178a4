import Models

/// Some samples of a `MultimodalDataset`, in the order asked for.
public struct MultimodalBatch: Sendable {
    /// uint8 [B, H, W, 3]
    public let images: [UInt8]
    /// int32 [B, L]
    public let tokens: [Int32]
    /// int32 [B], or `nil` for unlabelled data.
    public let labels: [Int32]?
    /// B
    public let count: Int
    /// L
    public let textLength: Int

    /// The model's input for these samples.
    public var input: ModelInput {
        ModelInput(images: images, tokens: tokens, batchSize: count, textLength: textLength)
    }
}

extension MultimodalDataset {
    /// The samples at `indices` (a range, an array, a shuffled slice…), copied in that order.
    /// Each index must be in `0..<count`.
    public func batch(_ indices: some Sequence<Int>) -> MultimodalBatch {
        let imageSize = imageHeight * imageWidth * 3
        var batchImages: [UInt8] = []
        var batchTokens: [Int32] = []
        var batchLabels: [Int32]? = labels.map { _ in [] }
        var batchCount = 0
        for index in indices {
            precondition(index >= 0 && index < count, "sample \(index) is outside 0..<\(count) of \(source)")
            batchImages += images[index * imageSize ..< (index + 1) * imageSize]
            batchTokens += tokens[index * textLength ..< (index + 1) * textLength]
            if let labels { batchLabels?.append(labels[index]) }
            batchCount += 1
        }
        return MultimodalBatch(images: batchImages, tokens: batchTokens, labels: batchLabels,
                               count: batchCount, textLength: textLength)
    }
}
