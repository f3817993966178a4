import Foundation
import Testing
@testable import Models

/// Per-layer heads, head sizes, MLP widths and the token policy in `model_config`.
@Suite struct PrunedConfigTests {
    func decode(_ json: String) throws -> ModelConfig { try ModelConfig.decode(json: Data(json.utf8)) }

    func failure(_ json: String) -> String? {
        do { _ = try decode(json); return nil } catch { return "\(error)" }
    }

    static let base = #""fusion_dim":8,"image_size":8,"max_text_len":6,"mlp_ratio":2,"num_classes":3,"patch_size":4,"#
        + #""text_depth":1,"text_dim":8,"vision_depth":1,"vision_dim":8,"vocab_size":10"#

    @Test func unprunedConfigEncodesAsBefore() {
        #expect(tinyConfig.jsonString() == #"{"fusion_dim":8,"fusion_heads":2,"image_size":8,"max_text_len":6,"mlp_ratio":2,"#
                + #""num_classes":3,"patch_size":4,"text_depth":1,"text_dim":8,"text_heads":2,"vision_depth":1,"vision_dim":8,"#
                + #""vision_heads":2,"vocab_size":10}"#)
    }

    @Test func prunedConfigWritesListsAndHeadSizesOnlyWhereNeeded() throws {
        var config = ModelConfig(imageSize: 8, patchSize: 4, visionDim: 8, visionDepth: 2, visionHeads: 2, vocabSize: 10, maxTextLen: 6,
                                 textDim: 8, textDepth: 1, textHeads: 2, fusionDim: 8, fusionHeads: 2, numClasses: 3, mlpRatio: 2)
        config.visionLayerHeads = [1, 2]
        config.textLayerHeads = [1]
        config.visionMLPWidths = [16, 9]
        config.visionTokenKeep = VisionTokenKeep(afterLayer: 1, keep: 3)
        let json = config.jsonString()
        #expect(json == #"{"fusion_dim":8,"fusion_heads":2,"image_size":8,"max_text_len":6,"mlp_ratio":2,"num_classes":3,"#
                + #""patch_size":4,"text_depth":1,"text_dim":8,"text_head_dim":4,"text_heads":1,"vision_depth":2,"vision_dim":8,"#
                + #""vision_head_dim":4,"vision_heads":[1,2],"vision_mlp_dims":[16,9],"#
                + #""vision_token_keep":{"after_layer":1,"keep":3},"vocab_size":10}"#)
        let decoded = try decode(json)
        #expect(decoded == config)
        #expect(decoded.visionHeads == 2 && decoded.visionHeadCounts == [1, 2]
                && decoded.textHeadCounts == [1] && decoded.fusionHeadCount == 2)
        // A list that equals the unpruned values is the unpruned config.
        #expect(try decode("{" + Self.base + #","fusion_heads":2,"text_heads":2,"vision_heads":[2],"vision_head_dim":4}"#) == tinyConfig)
    }

    @Test(arguments: [
        (#""fusion_heads":2,"text_heads":2,"vision_heads":[1]"#,
         "model config key 'vision_head_dim': missing (required when vision_heads is a per-layer list)"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":[1,1],"vision_head_dim":4"#,
         "model config key 'vision_heads': expected 1 per-layer values (one per layer), got 2"),
        (#""fusion_heads":2,"text_heads":[3],"text_head_dim":4,"vision_heads":2"#,
         "model config key 'text_heads': layer 0: expected between 1 and 2 heads, got 3"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"vision_head_dim":3"#,
         "model config key 'vision_head_dim': 3 does not divide the model width 8"),
        (#""fusion_heads":0,"fusion_head_dim":4,"text_heads":2,"vision_heads":2"#,
         "model config key 'fusion_heads': expected between 1 and 2 heads, got 0"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"text_mlp_dims":[17]"#,
         "model config key 'text_mlp_dims': layer 0: expected between 1 and 16 hidden units, got 17"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"vision_token_keep":{"after_layer":0,"keep":2}"#,
         "model config key 'vision_token_keep': after_layer must be between 1 and vision_depth 1, got 0 (0 needs \"by\": \"text\")"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"vision_token_keep":{"after_layer":1,"keep":5}"#,
         "model config key 'vision_token_keep': keep must be between 1 and the 4 patches, got 5"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"vision_token_keep":{"after_layer":1,"keep":2,"from":"text"}"#,
         "model config key 'vision_token_keep.from': unknown key"),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":2,"vision_token_keep":{"after_layer":0,"keep":2,"by":"pixels"}"#,
         "model config key 'vision_token_keep.by': expected \"attention\" or \"text\""),
        (#""fusion_heads":2,"text_heads":2,"vision_heads":"2""#,
         "model config key 'vision_heads': expected an integer or a list of integers (one per layer)"),
    ] as [(String, String)])
    func invalidPrunedKeys(members: String, expected: String) {
        #expect(failure("{" + Self.base + "," + members + "}") == expected)
    }

    @Test func textGuidedPolicyRoundTripsAndCountsItsScoringPass() throws {
        var config = tinyConfig
        config.visionTokenKeep = VisionTokenKeep(afterLayer: 0, keep: 2, scoring: .text)
        #expect(config.jsonString().contains(#""vision_token_keep":{"after_layer":0,"by":"text","keep":2}"#))
        #expect(try decode(config.jsonString()) == config)
        // L = 6, P0 = 4 patches scored, d = 8, A = 8: projections, keys, queries, scores.
        let scoring = 2 * 4 * 8 * 8 + 2 * 6 * 8 * 8 + 2 * 4 * 8 * 8 + 2 * 6 * 8 * 8 + 2 * 6 * 4 * 8
        var attentionPolicy = tinyConfig
        attentionPolicy.visionTokenKeep = VisionTokenKeep(afterLayer: 1, keep: 2)
        // The one vision layer sees 2 patches under the text policy (after_layer 0), 4 under the other; the fusion 2 either way.
        let layerAt4 = 2 * 4 * 8 * 24 + 4 * 16 * 8 + 2 * 4 * 8 * 8 + 4 * 4 * 8 * 16
        let layerAt2 = 2 * 2 * 8 * 24 + 4 * 4 * 8 + 2 * 2 * 8 * 8 + 4 * 2 * 8 * 16
        #expect(config.forwardFLOPs() - attentionPolicy.forwardFLOPs() == scoring + layerAt2 - layerAt4)
    }

    /// FLOPs of a pruned tiny model counted by hand (L = 6): vision with 1 head of 4, MLP 10 and
    /// 2 of 4 patches after layer 1 (the fusion sees 2), text unpruned, fusion with 1 head of 4.
    @Test func forwardFLOPsCountPrunedStructureByHand() throws {
        var config = tinyConfig
        config.visionLayerHeads = [1]
        config.visionMLPWidths = [10]
        config.visionTokenKeep = VisionTokenKeep(afterLayer: 1, keep: 2)
        config.fusionKeptHeads = 1
        try config.validate()
        let vision = 2 * 4 * 48 * 8 + (2 * 4 * 8 * 12 + 4 * 16 * 4 + 2 * 4 * 4 * 8 + 4 * 4 * 8 * 10)
        let text = 2 * 6 * 8 * 24 + 4 * 36 * 8 + 2 * 6 * 8 * 8 + 4 * 6 * 8 * 16
        let fusion = (2 * 2 * 8 * 8 + 2 * 6 * 8 * 8) + (2 * 16 * 8 + 2 * 8 * 2)
            + (2 * 6 * 8 * 4 + 2 * 2 * 8 * 2 * 4 + 4 * 6 * 2 * 4 + 2 * 6 * 4 * 8)
        #expect(config.forwardFLOPs() == vision + text + fusion + 2 * 8 * 3)
        #expect(config.forwardFLOPs() == 15504)
    }
}
