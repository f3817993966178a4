import Foundation

/// Architecture of a fusion model: vision transformer + text transformer + gated cross-modal fusion.
/// Stored as JSON (snake_case keys) in recipes and in each checkpoint's `model_config` attribute.
///
/// A pruned model keeps its original widths and head size but has fewer heads per layer, narrower
/// MLPs and possibly fewer vision tokens after one layer. Those appear in JSON only when pruned:
/// `vision_heads` (and `text_heads`) become per-layer lists when layers differ, `*_head_dim` is
/// written when it is not dim / heads, `*_mlp_dims` when a width is not dim · mlp_ratio, and
/// `vision_token_keep` holds the token policy. An unpruned config encodes exactly as before.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var imageSize: Int
    public var patchSize: Int
    public var visionDim: Int
    public var visionDepth: Int
    /// Heads of an unpruned vision layer; the head size is vision_dim / vision_heads.
    public var visionHeads: Int
    public var vocabSize: Int
    public var maxTextLen: Int
    public var textDim: Int
    public var textDepth: Int
    /// Heads of an unpruned text layer; the head size is text_dim / text_heads.
    public var textHeads: Int
    public var fusionDim: Int
    /// Heads of the unpruned cross-attention; the head size is fusion_dim / fusion_heads.
    public var fusionHeads: Int
    public var numClasses: Int
    /// MLP hidden width as a multiple of the model width.
    public var mlpRatio: Int
    /// Heads each vision layer keeps after pruning (nil: `visionHeads` in every layer).
    public var visionLayerHeads: [Int]?
    /// Heads each text layer keeps after pruning (nil: `textHeads` in every layer).
    public var textLayerHeads: [Int]?
    /// Heads the cross-attention keeps after pruning (nil: `fusionHeads`).
    public var fusionKeptHeads: Int?
    /// MLP hidden width of each vision layer after pruning (nil: vision_dim · mlp_ratio).
    public var visionMLPWidths: [Int]?
    /// MLP hidden width of each text layer after pruning (nil: text_dim · mlp_ratio).
    public var textMLPWidths: [Int]?
    /// Vision-token pruning applied at inference (nil: every patch reaches every layer).
    public var visionTokenKeep: VisionTokenKeep?
    /// How patches know where they are: the learned `pos_embed` alone, or with a fixed 2-D sine–cosine code added.
    public var visionCoordinates: VisionCoordinates = .learned
    /// Decoder blocks (`fusion.layers.N`) that refine the projected question tokens by
    /// cross-attention over the projected patches; 0 is the seed's one-hop fusion alone.
    public var fusionDepth: Int = 0
    /// What the classifier reads: the fused vector, or the refined tokens as well.
    public var head: HeadInput = .fused
    /// Hidden width of the token head's MLP (`head: "tokens"` only).
    public var headHidden: Int = 256
    /// Self-attention and cross-attention heads each decoder block keeps after pruning (nil: `fusionHeads`).
    public var fusionLayerHeads: [Int]?
    public var fusionLayerCrossHeads: [Int]?
    /// MLP hidden width of each decoder block after pruning (nil: fusion_dim · mlp_ratio).
    public var fusionMLPWidths: [Int]?

    public init(imageSize: Int, patchSize: Int, visionDim: Int, visionDepth: Int, visionHeads: Int,
                vocabSize: Int, maxTextLen: Int, textDim: Int, textDepth: Int, textHeads: Int,
                fusionDim: Int, fusionHeads: Int, numClasses: Int, mlpRatio: Int = 4) {
        self.imageSize = imageSize; self.patchSize = patchSize
        self.visionDim = visionDim; self.visionDepth = visionDepth; self.visionHeads = visionHeads
        self.vocabSize = vocabSize; self.maxTextLen = maxTextLen
        self.textDim = textDim; self.textDepth = textDepth; self.textHeads = textHeads
        self.fusionDim = fusionDim; self.fusionHeads = fusionHeads
        self.numClasses = numClasses; self.mlpRatio = mlpRatio
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case imageSize = "image_size", patchSize = "patch_size"
        case visionDim = "vision_dim", visionDepth = "vision_depth", visionHeads = "vision_heads"
        case vocabSize = "vocab_size", maxTextLen = "max_text_len"
        case textDim = "text_dim", textDepth = "text_depth", textHeads = "text_heads"
        case fusionDim = "fusion_dim", fusionHeads = "fusion_heads"
        case numClasses = "num_classes", mlpRatio = "mlp_ratio"
        case visionHeadDim = "vision_head_dim", textHeadDim = "text_head_dim", fusionHeadDim = "fusion_head_dim"
        case visionMLPDims = "vision_mlp_dims", textMLPDims = "text_mlp_dims"
        case visionTokenKeep = "vision_token_keep"
        case visionCoordinates = "vision_coordinates", fusionDepth = "fusion_depth", head, headHidden = "head_hidden"
        case fusionLayerHeads = "fusion_layer_heads", fusionLayerCrossHeads = "fusion_cross_heads", fusionMLPDims = "fusion_mlp_dims"
    }

    /// Self-attention heads of each decoder block: fusionDepth entries.
    public var fusionLayerHeadCounts: [Int] { fusionLayerHeads ?? Array(repeating: fusionHeads, count: fusionDepth) }
    /// Cross-attention heads of each decoder block: fusionDepth entries.
    public var fusionLayerCrossHeadCounts: [Int] { fusionLayerCrossHeads ?? Array(repeating: fusionHeads, count: fusionDepth) }
    /// MLP hidden width of each decoder block: fusionDepth entries.
    public var fusionMLPHiddenSizes: [Int] { fusionMLPWidths ?? Array(repeating: fusionDim * mlpRatio, count: fusionDepth) }

    /// Inputs of the token head: every question position's refined state, then the fused vector.
    public var headInputSize: Int { head == .tokens ? maxTextLen * fusionDim + fusionDim : fusionDim }

    /// Patches per image: (image_size / patch_size)².
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }
    /// Inputs of one flattened patch: p·p·3.
    public var patchFeatures: Int { patchSize * patchSize * 3 }

    /// Patches that vision layer `layer` (0-based; `visionDepth` = the fusion) sees per image.
    public func visionTokens(enteringLayer layer: Int) -> Int {
        guard let keep = visionTokenKeep, layer >= keep.afterLayer else { return patchCount }
        return keep.keep
    }

    /// Patches per image that reach the fusion: `keep` under a token policy, else all.
    public var fusionPatchCount: Int { visionTokens(enteringLayer: visionDepth) }

    /// Features per attention head in the vision, text and fusion attention (unchanged by pruning).
    public var visionHeadDim: Int { visionDim / visionHeads }
    public var textHeadDim: Int { textDim / textHeads }
    public var fusionHeadDim: Int { fusionDim / fusionHeads }

    /// Heads of each vision layer: visionDepth entries.
    public var visionHeadCounts: [Int] { visionLayerHeads ?? Array(repeating: visionHeads, count: visionDepth) }
    /// Heads of each text layer: textDepth entries.
    public var textHeadCounts: [Int] { textLayerHeads ?? Array(repeating: textHeads, count: textDepth) }
    /// Heads of the cross-attention.
    public var fusionHeadCount: Int { fusionKeptHeads ?? fusionHeads }
    /// MLP hidden width of each vision layer: visionDepth entries.
    public var visionMLPHiddenSizes: [Int] { visionMLPWidths ?? Array(repeating: visionDim * mlpRatio, count: visionDepth) }
    /// MLP hidden width of each text layer: textDepth entries.
    public var textMLPHiddenSizes: [Int] { textMLPWidths ?? Array(repeating: textDim * mlpRatio, count: textDepth) }

    /// Drops per-layer overrides that equal the unpruned values, so equal architectures compare equal.
    public mutating func normalize() {
        if visionLayerHeads?.allSatisfy({ $0 == visionHeads }) == true { visionLayerHeads = nil }
        if textLayerHeads?.allSatisfy({ $0 == textHeads }) == true { textLayerHeads = nil }
        if fusionKeptHeads == fusionHeads { fusionKeptHeads = nil }
        if visionMLPWidths?.allSatisfy({ $0 == visionDim * mlpRatio }) == true { visionMLPWidths = nil }
        if textMLPWidths?.allSatisfy({ $0 == textDim * mlpRatio }) == true { textMLPWidths = nil }
        if fusionLayerHeads?.allSatisfy({ $0 == fusionHeads }) == true { fusionLayerHeads = nil }
        if fusionLayerCrossHeads?.allSatisfy({ $0 == fusionHeads }) == true { fusionLayerCrossHeads = nil }
        if fusionMLPWidths?.allSatisfy({ $0 == fusionDim * mlpRatio }) == true { fusionMLPWidths = nil }
    }

    /// Checks every field; throws `ModelError.invalidConfig` naming the first bad key.
    public func validate() throws {
        func require(_ ok: Bool, _ key: CodingKeys, _ why: String) throws {
            if !ok { throw ModelError.invalidConfig(key: key.rawValue, reason: why) }
        }
        for (key, value) in [(CodingKeys.imageSize, imageSize), (.patchSize, patchSize), (.visionDim, visionDim),
                             (.visionHeads, visionHeads), (.vocabSize, vocabSize), (.maxTextLen, maxTextLen),
                             (.textDim, textDim), (.textHeads, textHeads), (.fusionDim, fusionDim),
                             (.fusionHeads, fusionHeads), (.numClasses, numClasses), (.mlpRatio, mlpRatio)] {
            try require(value > 0, key, "expected a positive integer, got \(value)")
        }
        for (key, limit) in Self.sizeLimits {
            try require(value(of: key) <= limit, key, "\(value(of: key)) is beyond the supported maximum \(limit)")
        }
        try require(minimumParameterCount <= Self.maximumParameterCount, .visionDim,
                    "the sizes declare at least \(minimumParameterCount) parameters, beyond the supported \(Self.maximumParameterCount)")
        try require(visionDepth >= 0, .visionDepth, "expected an integer >= 0, got \(visionDepth)")
        try require(textDepth >= 0, .textDepth, "expected an integer >= 0, got \(textDepth)")
        try require(imageSize % patchSize == 0, .patchSize, "\(patchSize) does not divide image_size \(imageSize)")
        try require(visionDim % visionHeads == 0, .visionHeads, "\(visionHeads) does not divide vision_dim \(visionDim)")
        try require(textDim % textHeads == 0, .textHeads, "\(textHeads) does not divide text_dim \(textDim)")
        try require(fusionDim % fusionHeads == 0, .fusionHeads, "\(fusionHeads) does not divide fusion_dim \(fusionDim)")
        try require(numClasses >= 2, .numClasses, "expected at least 2 classes, got \(numClasses)")
        try require(fusionDepth >= 0, .fusionDepth, "expected an integer >= 0, got \(fusionDepth)")
        try require(headHidden > 0, .headHidden, "expected a positive integer, got \(headHidden)")
        try require(visionCoordinates != .sincos || visionDim % 4 == 0, .visionCoordinates,
                    "\"sincos\" needs vision_dim divisible by 4 (sine and cosine of x and y), got \(visionDim)")
        try require(head != .tokens || fusionDepth > 0, .head, "\"tokens\" reads the fusion's decoder blocks: needs fusion_depth >= 1")

        func requireLayers(_ values: [Int]?, depth: Int, maximum: Int, _ key: CodingKeys, _ what: String) throws {
            guard let values else { return }
            try require(values.count == depth, key, "expected \(depth) per-layer values (one per layer), got \(values.count)")
            for (layer, value) in values.enumerated() {
                try require((1...maximum).contains(value), key, "layer \(layer): expected between 1 and \(maximum) \(what), got \(value)")
            }
        }
        try requireLayers(visionLayerHeads, depth: visionDepth, maximum: visionHeads, .visionHeads, "heads")
        try requireLayers(textLayerHeads, depth: textDepth, maximum: textHeads, .textHeads, "heads")
        if let fusionKeptHeads {
            try require((1...fusionHeads).contains(fusionKeptHeads), .fusionHeads,
                        "expected between 1 and \(fusionHeads) heads, got \(fusionKeptHeads)")
        }
        try requireLayers(visionMLPWidths, depth: visionDepth, maximum: visionDim * mlpRatio, .visionMLPDims, "hidden units")
        try requireLayers(textMLPWidths, depth: textDepth, maximum: textDim * mlpRatio, .textMLPDims, "hidden units")
        try requireLayers(fusionLayerHeads, depth: fusionDepth, maximum: fusionHeads, .fusionLayerHeads, "heads")
        try requireLayers(fusionLayerCrossHeads, depth: fusionDepth, maximum: fusionHeads, .fusionLayerCrossHeads, "heads")
        try requireLayers(fusionMLPWidths, depth: fusionDepth, maximum: fusionDim * mlpRatio, .fusionMLPDims, "hidden units")
        if let keep = visionTokenKeep {
            let first = keep.scoring == .text ? 0 : 1
            try require(keep.afterLayer >= first && keep.afterLayer <= visionDepth, .visionTokenKeep,
                        "after_layer must be between \(first) and vision_depth \(visionDepth), got \(keep.afterLayer)"
                            + (keep.scoring == .text ? "" : " (0 needs \"by\": \"text\")"))
            try require((1...patchCount).contains(keep.keep), .visionTokenKeep,
                        "keep must be between 1 and the \(patchCount) patches, got \(keep.keep)")
        }
        // Every size is now bounded, so the exact count cannot overflow.
        let counts = parameterCounts, total = parameterCount
        if total > Self.maximumParameterCount, let largest = counts.max(by: { $0.count < $1.count }) {
            throw ModelError.invalidConfig(key: largest.key, reason: "the config declares \(total) parameters (\(largest.count) in "
                                           + "the part this width sizes), beyond the supported \(Self.maximumParameterCount)")
        }
    }
}

/// How patches know where they are. `learned`: the learned `vision.pos_embed` alone. `sincos`: a
/// fixed code added as well, patch (row r, column c) of a g×g grid at x = (c + ½)/g·2 − 1 and
/// y = (r + ½)/g·2 − 1, with frequencies f_k = k·π/2 for k = 1…D/4:
/// [sin(x·f), cos(x·f), sin(y·f), cos(y·f)] → [P, D]. Position then reads off linearly, which
/// spatial relations between objects need.
public enum VisionCoordinates: String, Codable, Sendable, CaseIterable {
    case learned, sincos
}

/// What the classifier head reads. `fused`: the seed fusion's vector [B, D] (`head.norm`,
/// `head.fc`). `tokens`: also every question position's refined state, padding zeroed, flattened
/// [B, L·D], so the head knows which object was named first: `head.fc(gelu(head.hidden([tokens, norm(fused)])))`.
public enum HeadInput: String, Codable, Sendable, CaseIterable {
    case fused, tokens
}

/// Vision-token pruning: after the first `afterLayer` vision layers, each image keeps the `keep`
/// patches that score highest, in their original order; later layers and the fusion see only those.
/// Scores (`by`): `attention` — the self-attention each patch receives in layer `afterLayer`,
/// summed over heads and queries; `text` — the attention the question's tokens pay each patch in
/// a light pass through the fusion's projections and cross-attention weights (allows `afterLayer` 0).
/// JSON: `{"after_layer": 1, "keep": 32}` (`"by": "text"` when text-guided).
public struct VisionTokenKeep: Codable, Equatable, Sendable {
    public enum Scoring: String, Codable, Sendable, CaseIterable {
        case attention, text
    }

    /// Vision layers that run on every patch (attention: 1 ... vision_depth; text: 0 ... vision_depth).
    public var afterLayer: Int
    /// Patches kept per image (1 ... patch count).
    public var keep: Int
    public var scoring: Scoring

    public init(afterLayer: Int, keep: Int, scoring: Scoring = .attention) {
        self.afterLayer = afterLayer
        self.keep = keep
        self.scoring = scoring
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case afterLayer = "after_layer", keep, scoring = "by"
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self, path: "vision_token_keep.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        afterLayer = try c.decode(Int.self, forKey: .afterLayer)
        keep = try c.decode(Int.self, forKey: .keep)
        scoring = try c.decodeIfPresent(Scoring.self, forKey: .scoring) ?? .attention
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(afterLayer, forKey: .afterLayer)
        try c.encode(keep, forKey: .keep)
        if scoring != .attention { try c.encode(scoring, forKey: .scoring) }
    }
}

/// Any key of a JSON object, known or not.
private struct AnyKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// Throws `.invalidConfig` naming the first key (sorted) of the object being decoded that `Keys` does
/// not know: found while decoding, without parsing the JSON again.
private func rejectUnknownKeys<Keys: CodingKey & CaseIterable & RawRepresentable>(
    _ decoder: Decoder, _: Keys.Type, path: String = "") throws where Keys.RawValue == String {
    let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
    if let unknown = keys.sorted().first(where: { Keys(rawValue: $0) == nil }) {
        throw ModelError.invalidConfig(key: path + unknown, reason: "unknown key")
    }
}

extension ModelConfig {
    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        patchSize = try c.decode(Int.self, forKey: .patchSize)
        visionDim = try c.decode(Int.self, forKey: .visionDim)
        visionDepth = try c.decode(Int.self, forKey: .visionDepth)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxTextLen = try c.decode(Int.self, forKey: .maxTextLen)
        textDim = try c.decode(Int.self, forKey: .textDim)
        textDepth = try c.decode(Int.self, forKey: .textDepth)
        fusionDim = try c.decode(Int.self, forKey: .fusionDim)
        numClasses = try c.decode(Int.self, forKey: .numClasses)
        mlpRatio = try c.decodeIfPresent(Int.self, forKey: .mlpRatio) ?? 4
        // Per-layer lists are built from the depths below: bound them before anything is sized by them.
        for (key, depth) in [(CodingKeys.visionDepth, visionDepth), (.textDepth, textDepth)]
        where !(0...Self.maximumDepth).contains(depth) {
            throw ModelError.invalidConfig(key: key.rawValue,
                                           reason: "expected an integer between 0 and \(Self.maximumDepth), got \(depth)")
        }

        /// `heads` is an int or a per-layer list; with `head_dim` the unpruned head count is dim / head_dim.
        func heads(_ key: CodingKeys, _ headDimKey: CodingKeys, dimension: Int, depth: Int) throws -> (original: Int, layers: [Int]?) {
            let layers: [Int]
            if let uniform = try? c.decode(Int.self, forKey: key) {
                layers = Array(repeating: uniform, count: depth)
                guard let headDim = try c.decodeIfPresent(Int.self, forKey: headDimKey) else { return (uniform, nil) }
                return (try original(headDim, headDimKey, dimension), layers)
            }
            layers = try c.decode([Int].self, forKey: key)
            guard let headDim = try c.decodeIfPresent(Int.self, forKey: headDimKey) else {
                throw ModelError.invalidConfig(key: headDimKey.rawValue,
                                               reason: "missing (required when \(key.rawValue) is a per-layer list)")
            }
            return (try original(headDim, headDimKey, dimension), layers)
        }
        func original(_ headDim: Int, _ key: CodingKeys, _ dimension: Int) throws -> Int {
            guard headDim > 0, dimension % headDim == 0 else {
                throw ModelError.invalidConfig(key: key.rawValue, reason: "\(headDim) does not divide the model width \(dimension)")
            }
            return dimension / headDim
        }
        (visionHeads, visionLayerHeads) = try heads(.visionHeads, .visionHeadDim, dimension: visionDim, depth: visionDepth)
        (textHeads, textLayerHeads) = try heads(.textHeads, .textHeadDim, dimension: textDim, depth: textDepth)
        let fusion = try heads(.fusionHeads, .fusionHeadDim, dimension: fusionDim, depth: 1)
        fusionHeads = fusion.original
        fusionKeptHeads = fusion.layers.map { $0[0] }
        if let layers = fusion.layers, layers.count != 1 {
            throw ModelError.invalidConfig(key: CodingKeys.fusionHeads.rawValue, reason: "expected one head count, got \(layers.count)")
        }
        visionMLPWidths = try c.decodeIfPresent([Int].self, forKey: .visionMLPDims)
        textMLPWidths = try c.decodeIfPresent([Int].self, forKey: .textMLPDims)
        visionTokenKeep = try c.decodeIfPresent(VisionTokenKeep.self, forKey: .visionTokenKeep)
        visionCoordinates = try c.decodeIfPresent(VisionCoordinates.self, forKey: .visionCoordinates) ?? .learned
        fusionDepth = try c.decodeIfPresent(Int.self, forKey: .fusionDepth) ?? 0
        head = try c.decodeIfPresent(HeadInput.self, forKey: .head) ?? .fused
        headHidden = try c.decodeIfPresent(Int.self, forKey: .headHidden) ?? 256
        fusionLayerHeads = try c.decodeIfPresent([Int].self, forKey: .fusionLayerHeads)
        fusionLayerCrossHeads = try c.decodeIfPresent([Int].self, forKey: .fusionLayerCrossHeads)
        fusionMLPWidths = try c.decodeIfPresent([Int].self, forKey: .fusionMLPDims)
        normalize()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(imageSize, forKey: .imageSize)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(visionDim, forKey: .visionDim)
        try c.encode(visionDepth, forKey: .visionDepth)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxTextLen, forKey: .maxTextLen)
        try c.encode(textDim, forKey: .textDim)
        try c.encode(textDepth, forKey: .textDepth)
        try c.encode(fusionDim, forKey: .fusionDim)
        try c.encode(numClasses, forKey: .numClasses)
        try c.encode(mlpRatio, forKey: .mlpRatio)

        /// An int when every layer agrees, else a list; head_dim whenever heads were pruned.
        func heads(_ layers: [Int]?, original: Int, headDim: Int, _ key: CodingKeys, _ headDimKey: CodingKeys) throws {
            guard let layers else { return try c.encode(original, forKey: key) }
            if let first = layers.first, layers.allSatisfy({ $0 == first }) {
                try c.encode(first, forKey: key)
            } else {
                try c.encode(layers, forKey: key)
            }
            try c.encode(headDim, forKey: headDimKey)
        }
        try heads(visionLayerHeads, original: visionHeads, headDim: visionHeadDim, .visionHeads, .visionHeadDim)
        try heads(textLayerHeads, original: textHeads, headDim: textHeadDim, .textHeads, .textHeadDim)
        try heads(fusionKeptHeads.map { [$0] }, original: fusionHeads, headDim: fusionHeadDim, .fusionHeads, .fusionHeadDim)
        try c.encodeIfPresent(visionMLPWidths, forKey: .visionMLPDims)
        try c.encodeIfPresent(textMLPWidths, forKey: .textMLPDims)
        try c.encodeIfPresent(visionTokenKeep, forKey: .visionTokenKeep)
        // The defaults are today's family and stay out of the JSON, so earlier configs encode as before.
        if visionCoordinates != .learned { try c.encode(visionCoordinates, forKey: .visionCoordinates) }
        if fusionDepth != 0 { try c.encode(fusionDepth, forKey: .fusionDepth) }
        if head != .fused {
            try c.encode(head, forKey: .head)
            try c.encode(headHidden, forKey: .headHidden)
        }
        try c.encodeIfPresent(fusionLayerHeads, forKey: .fusionLayerHeads)
        try c.encodeIfPresent(fusionLayerCrossHeads, forKey: .fusionLayerCrossHeads)
        try c.encodeIfPresent(fusionMLPWidths, forKey: .fusionMLPDims)
    }
}

extension ModelConfig {
    /// Decodes and validates a config from JSON.
    public static func decode(json: Data) throws -> ModelConfig {
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: json)
        } catch let error as ModelError {
            throw error
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.map(\.stringValue) == ["vision_token_keep", "by"] {
            throw ModelError.invalidConfig(key: "vision_token_keep.by", reason: "expected \"attention\" or \"text\"")
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.map(\.stringValue) == ["vision_coordinates"] {
            throw ModelError.invalidConfig(key: "vision_coordinates", reason: "expected \"learned\" or \"sincos\"")
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.map(\.stringValue) == ["head"] {
            throw ModelError.invalidConfig(key: "head", reason: "expected \"fused\" or \"tokens\"")
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalidConfig(key: key.stringValue, reason: "missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue)
            let key = path.first ?? ""
            let expected = switch key {
            case "vision_heads", "text_heads": "an integer or a list of integers (one per layer)"
            case "vision_mlp_dims", "text_mlp_dims", "fusion_mlp_dims", "fusion_layer_heads", "fusion_cross_heads":
                "a list of integers (one per layer)"
            case "vision_token_keep":
                "an object {\"after_layer\": N, \"keep\": K} of integers, with optional \"by\": \"attention\" or \"text\""
            case "vision_coordinates": "\"learned\" or \"sincos\""
            case "head": "\"fused\" or \"tokens\""
            default: "an integer"
            }
            throw ModelError.invalidConfig(key: key, reason: "expected \(expected)")
        } catch {
            throw ModelError.invalidConfig(key: "", reason: "not a JSON object: \(error.localizedDescription)")
        }
        try config.validate()
        return config
    }

    /// Compact JSON with sorted snake_case keys (the checkpoint's `model_config` attribute).
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
