import Foundation
import Testing
import TestSupport
@testable import Models
@testable import TensorCore

/// The parts that let the family compare two objects: sine–cosine patch coordinates, decoder
/// blocks in the fusion and the token head. (Their forward pass is checked against the NumPy
/// reference in CLITests.)
@Suite struct ReasoningFamilyTests {
    static var config: ModelConfig {
        var config = tinyConfig
        config.visionCoordinates = .sincos
        config.fusionDepth = 2
        config.head = .tokens
        config.headHidden = 5
        return config
    }

    @Test func namesAndShapesFollowPyTorch() {
        let shapes = Dictionary(uniqueKeysWithValues: FusionModel(config: Self.config, seed: 1).namedParameters.map {
            ($0.name, $0.tensor.shape)
        })
        #expect(shapes["fusion.layers.1.self_attn.in_proj_weight"] == [24, 8])
        #expect(shapes["fusion.layers.1.multihead_attn.out_proj.weight"] == [8, 8])
        #expect(shapes["fusion.layers.0.linear1.weight"] == [16, 8] && shapes["fusion.layers.0.norm3.bias"] == [8])
        #expect(shapes["fusion.norm.weight"] == [8])
        #expect(shapes["head.hidden.weight"] == [5, 6 * 8 + 8] && shapes["head.fc.weight"] == [3, 5])
        #expect(shapes.keys.filter { $0.contains("coordinate") }.isEmpty, "the coordinate code is not a parameter")
    }

    /// The weight products found by walking the module tree are exactly the matrices among the
    /// parameters other than the embeddings, in parameter order, under the same names.
    @Test(arguments: [tinyConfig, config])
    func quantizableLayersAreEveryWeightMatrix(config: ModelConfig) {
        let model = FusionModel(config: config, seed: 1)
        let matrices = model.namedParameters.filter {
            $0.tensor.shape.count == 2 && !$0.name.hasSuffix("pos_embed") && $0.name != "text.token_embed.weight"
        }
        #expect(model.quantizableLayers.map(\.name) == matrices.map(\.name))
        for ((_, layer), (name, tensor)) in zip(model.quantizableLayers, matrices) {
            #expect(layer.weightMatrix === tensor, "\(name)")
        }
        #expect(model.quantizableLayers.contains { $0.name == "fusion.cross_attn.in_proj_weight" })
    }

    @Test func defaultsKeepTheSeedFamilyAndItsJSON() throws {
        let json = #"{"image_size": 8, "patch_size": 4, "vision_dim": 8, "vision_depth": 1, "vision_heads": 2, "vocab_size": 10, "#
            + #""max_text_len": 6, "text_dim": 8, "text_depth": 1, "text_heads": 2, "fusion_dim": 8, "fusion_heads": 2, "#
            + #""num_classes": 3, "mlp_ratio": 2}"#
        let config = try ModelConfig.decode(json: Data(json.utf8))
        #expect(config == tinyConfig && config.visionCoordinates == .learned && config.fusionDepth == 0 && config.head == .fused)
        #expect(!config.jsonString().contains("fusion_depth") && !config.jsonString().contains(#""head":"#))
        let reasoning = try ModelConfig.decode(json: Data(Self.config.jsonString().utf8))
        #expect(reasoning == Self.config)
        #expect(Self.config.jsonString().contains(#""fusion_depth":2"#)
                && Self.config.jsonString().contains(#""head":"tokens","head_hidden":5"#))
    }

    @Test(arguments: [
        (#""fusion_depth": -1"#, "model config key 'fusion_depth': expected an integer >= 0, got -1"),
        (#""vision_coordinates": "polar""#, "model config key 'vision_coordinates': expected \"learned\" or \"sincos\""),
        (#""head": "cls""#, "model config key 'head': expected \"fused\" or \"tokens\""),
        (#""head": "tokens""#, "model config key 'head': \"tokens\" reads the fusion's decoder blocks: needs fusion_depth >= 1"),
        (#""fusion_depth": 1, "head": "tokens", "head_hidden": 0"#, "model config key 'head_hidden': expected a positive integer, got 0"),
        (#""vision_coordinates": "sincos", "vision_dim": 6, "vision_heads": 2"#,
         "model config key 'vision_coordinates': \"sincos\" needs vision_dim divisible by 4 (sine and cosine of x and y), got 6"),
        (#""fusion_depth": 2, "fusion_heads": 3"#, "model config key 'fusion_heads': 3 does not divide fusion_dim 8"),
    ])
    func badKeysAreRefusedByName(extra: String, message: String) {
        var object = #"{"image_size": 8, "patch_size": 4, "vision_depth": 1, "vocab_size": 10, "max_text_len": 6, "text_dim": 8, "#
            + #""text_depth": 1, "text_heads": 2, "fusion_dim": 8, "num_classes": 3"#
        for (key, value) in [("vision_dim", "8"), ("vision_heads", "2"), ("fusion_heads", "2")] where !extra.contains("\"\(key)\"") {
            object += #", "\#(key)": \#(value)"#
        }
        #expect(throws: (any Error).self) { try ModelConfig.decode(json: Data((object + ", " + extra + "}").utf8)) }
        do {
            _ = try ModelConfig.decode(json: Data((object + ", " + extra + "}").utf8))
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func sineCosineCodeByHand() {
        // A 2×2 grid: patch centres at ±½; with D = 4 one frequency, π/2.
        let code = VisionEncoder.sineCosineCode(grid: 2, dimension: 4)
        let s = Float(sin(Double.pi / 4)), c = Float(cos(Double.pi / 4))
        #expect(code.shape == [4, 4])
        #expect(Array(code.storage[0..<4]) == [-s, c, -s, c])   // row 0, column 0: x = y = −½
        #expect(Array(code.storage[4..<8]) == [s, c, -s, c])    // row 0, column 1: x = ½
        #expect(Array(code.storage[8..<12]) == [-s, c, s, c])   // row 1, column 0: y = ½
    }

    @Test func gradientsThroughDecoderBlocksAndTokenHead() {
        let model = FusionModel(config: Self.config, seed: 3)
        let input = randomInput(Self.config, batch: 2, length: 6, seed: 4)
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor) })
        let checked = ["fusion.layers.0.multihead_attn.in_proj_weight", "fusion.layers.1.linear1.bias", "head.hidden.weight"]
            .map { parameters[$0]! }
        checkGradients(checked, step: 1e-2, absolute: 3e-3, relative: 2e-2) { _ in model(input).logits }
    }

    @Test func answerAttentionIsTheLastDecoderBlocks() {
        let model = FusionModel(config: Self.config, seed: 5)
        let output = Tensor.withoutGradients { model(randomInput(Self.config, batch: 2, length: 6, seed: 6)) }
        #expect(output.fusion.layerAttentionWeights.count == 2)
        #expect(output.fusion.answerAttention.storage == output.fusion.layerAttentionWeights[1].storage)
        #expect(output.fusion.answerAttention.shape == [2, 2, 6, 4])
    }
}

/// The parameter count a config declares is the count of the model built from it.
@Suite struct ConfigParameterCountTests {
    static var configs: [ModelConfig] {
        var pruned = ReasoningFamilyTests.config
        pruned.fusionLayerHeads = [1, 2]
        pruned.fusionMLPWidths = [3, 16]
        pruned.visionMLPWidths = [5]
        var sincos = tinyConfig
        sincos.visionCoordinates = .sincos
        sincos.visionTokenKeep = VisionTokenKeep(afterLayer: 1, keep: 2)
        return [tinyConfig, ReasoningFamilyTests.config, pruned, sincos]
    }

    @Test(arguments: configs)
    func countMatchesTheBuiltModel(config: ModelConfig) throws {
        try config.validate()
        #expect(config.parameterCount == FusionModel(config: config, seed: 1).parameterCount)
    }

    @Test func aConfigTooLargeToAllocateIsRefusedNamingItsWidestPart() {
        var config = tinyConfig
        (config.visionDim, config.visionDepth, config.visionHeads) = (16384, 12, 16)
        #expect(throws: ModelError.self) { try config.validate() }
        do { try config.validate() } catch {
            #expect("\(error)".contains("vision_dim") && "\(error)".contains("beyond the supported"), "\(error)")
        }
    }
}

/// Initialisation from another model's parameters, by name prefix.
@Suite struct PrefixLoadTests {
    @Test func copiesOnlyTheNamedPartsAndNamesWhatDoesNotFit() throws {
        let source = FusionModel(config: tinyConfig, seed: 1), target = FusionModel(config: tinyConfig, seed: 2)
        let before = Dictionary(uniqueKeysWithValues: target.namedParameters.map { ($0.name, $0.tensor.storage) })
        let values = Dictionary(uniqueKeysWithValues: source.namedParameters.map { ($0.name, $0.tensor) })
        let copied = try target.loadParameters(values, prefixes: ["vision.", "head.fc."])
        for (name, tensor) in target.namedParameters {
            let chosen = name.hasPrefix("vision.") || name.hasPrefix("head.fc.")
            #expect(copied.contains(name) == chosen, "\(name)")
            #expect(tensor.storage == (chosen ? values[name]!.storage : before[name]!), "\(name)")
        }
        #expect(throws: ModelError.unmatchedPrefix("audio.")) { try target.loadParameters(values, prefixes: ["audio."]) }
        var wider = tinyConfig
        wider.visionDim = 16
        let mismatched = Dictionary(uniqueKeysWithValues: FusionModel(config: wider, seed: 3).namedParameters
            .map { ($0.name, $0.tensor) })
        // Nothing is copied when anything does not fit: the head would, the vision encoder does not.
        let fresh = FusionModel(config: tinyConfig, seed: 4)
        let freshBefore = fresh.namedParameters.map(\.tensor.storage)
        #expect(throws: ModelError.mismatchedShape(name: "vision.patch_embed.weight", expected: [8, 48], actual: [16, 48])) {
            try fresh.loadParameters(mismatched, prefixes: ["head.", "vision."])
        }
        #expect(fresh.namedParameters.map(\.tensor.storage) == freshBefore)
    }
}
