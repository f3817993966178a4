extension MultimodalDataset {
    /// The words of sample `index`'s question (`vocab` entries), padding left out.
    public func questionWords(at index: Int) -> [String] {
        tokens[(index * textLength)..<((index + 1) * textLength)].filter { $0 != 0 }.map { vocab[Int($0)] }
    }
}
