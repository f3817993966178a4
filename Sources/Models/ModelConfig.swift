import Foundation

/// Architecture of a fusion model: vision transformer + text transformer + gated cross-modal fusion.
/// Stored as JSON (snake_case keys) in recipes and in each checkpoint's `model_config` attribute.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var imageSize: Int
    public var patchSize: Int
    public var visionDim: Int
    public var visionDepth: Int
    public var visionHeads: Int
    public var vocabSize: Int
    public var maxTextLen: Int
    public var textDim: Int
    public var textDepth: Int
    public var textHeads: Int
    public var fusionDim: Int
    public var fusionHeads: Int
    public var numClasses: Int
    /// MLP hidden width as a multiple of the model width.
    public var mlpRatio: Int

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
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        patchSize = try c.decode(Int.self, forKey: .patchSize)
        visionDim = try c.decode(Int.self, forKey: .visionDim)
        visionDepth = try c.decode(Int.self, forKey: .visionDepth)
        visionHeads = try c.decode(Int.self, forKey: .visionHeads)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxTextLen = try c.decode(Int.self, forKey: .maxTextLen)
        textDim = try c.decode(Int.self, forKey: .textDim)
        textDepth = try c.decode(Int.self, forKey: .textDepth)
        textHeads = try c.decode(Int.self, forKey: .textHeads)
        fusionDim = try c.decode(Int.self, forKey: .fusionDim)
        fusionHeads = try c.decode(Int.self, forKey: .fusionHeads)
        numClasses = try c.decode(Int.self, forKey: .numClasses)
        mlpRatio = try c.decodeIfPresent(Int.self, forKey: .mlpRatio) ?? 4
    }

    /// Patches per image: (image_size / patch_size)².
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }
    /// Inputs of one flattened patch: p·p·3.
    public var patchFeatures: Int { patchSize * patchSize * 3 }

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
        try require(visionDepth >= 0, .visionDepth, "expected an integer >= 0, got \(visionDepth)")
        try require(textDepth >= 0, .textDepth, "expected an integer >= 0, got \(textDepth)")
        try require(imageSize % patchSize == 0, .patchSize, "\(patchSize) does not divide image_size \(imageSize)")
        try require(visionDim % visionHeads == 0, .visionHeads, "\(visionHeads) does not divide vision_dim \(visionDim)")
        try require(textDim % textHeads == 0, .textHeads, "\(textHeads) does not divide text_dim \(textDim)")
        try require(fusionDim % fusionHeads == 0, .fusionHeads, "\(fusionHeads) does not divide fusion_dim \(fusionDim)")
        try require(numClasses >= 2, .numClasses, "expected at least 2 classes, got \(numClasses)")
    }
}

extension ModelConfig {
    /// Decodes and validates a config from JSON.
    public static func decode(json: Data) throws -> ModelConfig {
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: json)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalidConfig(key: key.stringValue, reason: "missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ModelError.invalidConfig(key: context.codingPath.map(\.stringValue).joined(separator: "."),
                                           reason: "expected an integer")
        } catch {
            throw ModelError.invalidConfig(key: "", reason: "not a JSON object: \(error.localizedDescription)")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
           let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ModelError.invalidConfig(key: unknown, reason: "unknown key")
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
