/// Bounds on a config's sizes, checked before anything is allocated from it: a hostile or mistyped
/// config (`vision_dim` 10⁹, a vocabulary of 10¹²) is refused with the key named instead of
/// aborting in an allocation.
extension ModelConfig {
    /// The largest value each size key may take. Far above any model of this family that runs on a
    /// CPU, far below sizes whose products overflow or exhaust memory.
    static let sizeLimits: [(key: CodingKeys, limit: Int)] = [
        (.imageSize, 4096), (.patchSize, 4096), (.visionDim, 16384), (.textDim, 16384), (.fusionDim, 16384),
        (.visionHeads, 1024), (.textHeads, 1024), (.fusionHeads, 1024),
        (.visionDepth, maximumDepth), (.textDepth, maximumDepth), (.fusionDepth, maximumDepth),
        (.vocabSize, 1 << 20), (.maxTextLen, 4096), (.numClasses, 1 << 20), (.mlpRatio, 64), (.headHidden, 1 << 16),
    ]

    /// The most layers of one kind.
    public static let maximumDepth = 256

    /// The most parameters a config may declare (4 GiB of float32).
    public static let maximumParameterCount = 1 << 30

    func value(of key: CodingKeys) -> Int {
        switch key {
        case .imageSize: imageSize
        case .patchSize: patchSize
        case .visionDim: visionDim
        case .textDim: textDim
        case .fusionDim: fusionDim
        case .visionHeads: visionHeads
        case .textHeads: textHeads
        case .fusionHeads: fusionHeads
        case .visionDepth: visionDepth
        case .textDepth: textDepth
        case .fusionDepth: fusionDepth
        case .vocabSize: vocabSize
        case .maxTextLen: maxTextLen
        case .numClasses: numClasses
        case .mlpRatio: mlpRatio
        case .headHidden: headHidden
        default: preconditionFailure("\(key.rawValue) is not a size key")
        }
    }

    /// A lower bound on the parameter count, from the tables every model of the config holds
    /// whatever was pruned: token and position embeddings, the patch embedding, the fusion's input
    /// projections and the head. A checkpoint stores each parameter in at least one byte, so a file
    /// shorter than this cannot be one of this config. Only meaningful within `sizeLimits`.
    public var minimumParameterCount: Int {
        let text = (vocabSize + maxTextLen) * textDim
        let vision = (patchCount + patchFeatures) * visionDim
        let fusion = (visionDim + textDim) * fusionDim
        let head = self.head == .tokens ? (headInputSize + numClasses) * headHidden : fusionDim * numClasses
        return text + vision + fusion + head
    }
}
