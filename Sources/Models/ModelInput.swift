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
}
