/// Image + question samples with optional answer labels: the data a fusion model reads.
/// Stored as an HDF5 file (`read(from:)`, `write(to:)`; layout in docs/dataset-format.md).
/// Every instance is valid: shapes agree and every id is in range.
public struct MultimodalDataset: Sendable {
    /// uint8 [N, H, W, 3], row-major RGB.
    public let images: [UInt8]
    /// N, the number of samples.
    public let count: Int
    /// H
    public let imageHeight: Int
    /// W
    public let imageWidth: Int
    /// int32 [N, L], row-major; ids index `vocab`, 0 is padding.
    public let tokens: [Int32]
    /// L, the padded question length.
    public let textLength: Int
    /// int32 [N]; ids index `answers`. `nil` for unlabelled data.
    public let labels: [Int32]?
    /// Word of each token id; entry 0 is the padding token.
    public let vocab: [String]
    /// Answer of each label id.
    public let answers: [String]
    /// int32 [N, C]: a caption of each image in the same vocabulary, 0 is padding (`/captions`,
    /// optional: what contrastive image–text alignment learns from). nil without captions.
    public let captions: [Int32]?
    /// C, the padded caption length; 0 without captions.
    public let captionLength: Int
    /// The file this dataset was read from, or a description for one made in memory; errors and records name it.
    public var source: String

    /// Checks that the arrays fill their shapes and every token and label id is in range.
    /// - Throws: `.invalidDataset` naming `source` and the array.
    public init(images: [UInt8], count: Int, imageHeight: Int, imageWidth: Int,
                tokens: [Int32], textLength: Int, labels: [Int32]?,
                vocab: [String], answers: [String], source: String = "in-memory dataset",
                captions: [Int32]? = nil, captionLength: Int = 0) throws(CheckpointError) {
        func invalid(_ name: String, _ reason: String) -> CheckpointError {
            .invalidDataset(file: source, name: name, reason: reason)
        }
        guard count >= 0, imageHeight > 0, imageWidth > 0, images.count == count * imageHeight * imageWidth * 3 else {
            throw invalid("images", "\(images.count) bytes do not fill [\(count), \(imageHeight), \(imageWidth), 3]")
        }
        guard textLength > 0, tokens.count == count * textLength else {
            throw invalid("tokens", "\(tokens.count) ids do not fill [\(count), \(textLength)]")
        }
        if let labels, labels.count != count {
            throw invalid("labels", "\(labels.count) labels for \(count) samples")
        }
        guard !vocab.isEmpty else { throw invalid("vocab", "empty; id 0 must be the padding token") }
        if let index = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocab.count }) {
            throw invalid("tokens", "id \(tokens[index]) at sample \(index / textLength), position \(index % textLength) "
                              + "is outside the vocabulary of \(vocab.count)")
        }
        if let captions {
            guard captionLength > 0, captions.count == count * captionLength else {
                throw invalid("captions", "\(captions.count) ids do not fill [\(count), \(captionLength)]")
            }
            if let index = captions.firstIndex(where: { $0 < 0 || Int($0) >= vocab.count }) {
                throw invalid("captions", "id \(captions[index]) at sample \(index / captionLength), position "
                              + "\(index % captionLength) is outside the vocabulary of \(vocab.count)")
            }
        }
        if let labels, let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= answers.count }) {
            throw invalid("labels", "id \(labels[index]) at sample \(index) is outside the \(answers.count) answers")
        }
        self.images = images
        self.count = count
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.tokens = tokens
        self.textLength = textLength
        self.labels = labels
        self.vocab = vocab
        self.answers = answers
        self.source = source
        self.captions = captions
        self.captionLength = captions == nil ? 0 : captionLength
    }
}

extension MultimodalDataset {
    /// The same samples under another name (`data.train` for a recipe's generated set).
    public func named(_ source: String) -> MultimodalDataset {
        var copy = self
        copy.source = source
        return copy
    }
}
