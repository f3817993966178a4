/// A batch of image + question pairs.
public struct ModelInput: Sendable {
    /// uint8 [B, S, S, 3], row-major.
    public var images: [UInt8]
    /// int32 [B, L]; 0 is padding.
    public var tokens: [Int32]
    public var batchSize: Int
    /// L, the padded question length.
    public var textLength: Int

    public init(images: [UInt8], tokens: [Int32], batchSize: Int, textLength: Int) {
        self.images = images
        self.tokens = tokens
        self.batchSize = batchSize
        self.textLength = textLength
    }

    /// Attention mask: token != 0, B·L flags.
    public var textMask: [Bool] { tokens.map { $0 != 0 } }

    /// The samples in `range`, in order.
    public func samples(_ range: Range<Int>) -> ModelInput {
        let imageBytes = images.count / max(batchSize, 1)
        return ModelInput(images: Array(images[(range.lowerBound * imageBytes)..<(range.upperBound * imageBytes)]),
                          tokens: Array(tokens[(range.lowerBound * textLength)..<(range.upperBound * textLength)]),
                          batchSize: range.count, textLength: textLength)
    }
}
