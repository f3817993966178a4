import Checkpoint
import Datasets
import Foundation
import Models
import Testing
import Training
@testable import Pretraining

/// What each stage trains, and the stages refused before any work.
@Suite struct StageCheckTests {
    static let settings = TrainingSettings(epochs: 1, batchSize: 4, learningRate: 0.01)
    var model: FusionModel { FusionModel(config: StageObjectiveTests.config, seed: 1) }

    @Test func eachKindTrainsWhatItsLossReachesLessTheFrozen() throws {
        let names = { (stage: TrainingStage) in try stage.trainedParameters(of: model).map(\.name) }
        let all = model.namedParameters.map(\.name)
        #expect(try names(TrainingStage(kind: .vision, settings: Self.settings)) == all.filter { $0.hasPrefix("vision.") })
        #expect(try names(TrainingStage(kind: .text, settings: Self.settings)) == all.filter { $0.hasPrefix("text.") })
        #expect(try names(TrainingStage(kind: .align, settings: Self.settings, frozen: ["vision.layers."]))
            == all.filter { ($0.hasPrefix("vision.") && !$0.hasPrefix("vision.layers.")) || $0.hasPrefix("text.")
                || $0.hasPrefix("fusion.vision_proj.") || $0.hasPrefix("fusion.text_proj.") })
        #expect(try names(TrainingStage(kind: .task, settings: Self.settings, frozen: ["head."])) == all.filter { !$0.hasPrefix("head.") })
    }

    @Test func stagesThatCannotRunAreNamed() throws {
        let captioned = ShapesGenerator.generate(count: 4, seed: 1, captions: true)
        let plain = ShapesGenerator.generate(count: 4, seed: 1)
        func error(_ stage: TrainingStage, _ model: FusionModel = model, _ data: MultimodalDataset = captioned) -> String? {
            #expect(throws: StageError.self) { try stage.check(model: model, data: data) }.map(\.description)
        }
        #expect(error(TrainingStage(kind: .task, settings: Self.settings, frozen: ["head.", "speech."]))
            == #"freeze: no parameter name starts with "speech.""#)
        #expect(error(TrainingStage(kind: .vision, settings: Self.settings, frozen: ["vision."]))
            == #"freeze: every parameter the "vision" stage trains is frozen"#)
        #expect(error(TrainingStage(kind: .align, settings: Self.settings), model, plain)
            == #"the "align" stage cannot run: \#(plain.source) has no /captions to align the images with"#)
        var full = StageObjectiveTests.config
        full.vocabSize = captioned.vocab.count
        #expect(error(TrainingStage(kind: .text, settings: Self.settings), FusionModel(config: full, seed: 1))?
            .hasSuffix("leaving no id for the mask token") == true)
        var dropping = StageObjectiveTests.config
        dropping.visionTokenKeep = VisionTokenKeep(afterLayer: 1, keep: 8)
        #expect(error(TrainingStage(kind: .vision, settings: Self.settings), FusionModel(config: dropping, seed: 1))?
            .contains("vision_token_keep") == true)
        try TrainingStage(kind: .align, settings: Self.settings).check(model: model, data: captioned)
    }
}
