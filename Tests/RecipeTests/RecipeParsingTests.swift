import Foundation
import Benchmarking
import Checkpoint
import Deployment
import Distillation
import Models
import Pruning
import Quantization
import Training
import Testing
@testable import Recipes

/// Valid recipes read into the values written out by hand here.
@Suite struct RecipeParsingTests {
    typealias F = RecipeFixtures

    static let tiny = ModelConfig(imageSize: 32, patchSize: 8, visionDim: 16, visionDepth: 1, visionHeads: 2,
                                  vocabSize: 64, maxTextLen: 16, textDim: 16, textDepth: 1, textHeads: 2,
                                  fusionDim: 16, fusionHeads: 2, numClasses: 32)

    /// Loads a shipped recipe the way the command line does, with the package root as current directory.
    func shipped(_ name: String) throws -> Recipe {
        let url = F.packageRoot.appendingPathComponent("recipes/\(name)")
        return try Recipe.parse(json: try Data(contentsOf: url), file: "recipes/\(name)", currentDirectory: F.packageRoot)
    }

    @Test func shippedDefaultRecipe() throws {
        var teacher = ModelConfig(imageSize: 32, patchSize: 4, visionDim: 64, visionDepth: 2, visionHeads: 4,
                                  vocabSize: 64, maxTextLen: 16, textDim: 64, textDepth: 1, textHeads: 4,
                                  fusionDim: 64, fusionHeads: 4, numClasses: 32)
        (teacher.visionCoordinates, teacher.fusionDepth, teacher.head, teacher.headHidden) = (.sincos, 2, .tokens, 128)
        var student = ModelConfig(imageSize: 32, patchSize: 4, visionDim: 32, visionDepth: 1, visionHeads: 4,
                                  vocabSize: 64, maxTextLen: 16, textDim: 32, textDepth: 1, textHeads: 4,
                                  fusionDim: 32, fusionHeads: 4, numClasses: 32, mlpRatio: 2)
        (student.visionCoordinates, student.fusionDepth, student.head, student.headHidden) = (.sincos, 1, .tokens, 64)
        // The student costs at most 15% of the teacher's FLOPs.
        #expect(Double(student.forwardFLOPs()) <= 0.15 * Double(teacher.forwardFLOPs()))
        let expected = Recipe(
            name: "shapes-vqa", seed: 7, output: "checkpoints/shapes-vqa",
            data: DataSplits(train: .generator(name: "shapes", count: 20000, seed: 1),
                             test: .generator(name: "shapes", count: 2000, seed: 2)),
            teacher: TeacherSection(checkpoint: "checkpoints/shapes-vqa/teacher.h5", model: teacher,
                                    modelSource: "recipes/models/teacher.json",
                                    train: TrainingSettings(epochs: 170, batchSize: 64, learningRate: 0.001, weightDecay: 0.01,
                                                            warmupSteps: 500, gradientClip: 1),
                                    trainData: TeacherTrainingData(
                                        source: .generator(name: "shapes", count: 20000, seed: 101), freshPerEpoch: true,
                                        curriculum: [.init(epochs: 6, questions: ["relation"], relations: ["left"]),
                                                     .init(epochs: 8, questions: ["relation"], relations: ["left", "above"]),
                                                     .init(epochs: 6, questions: ["relation"])])),
            student: StudentSection(model: student, modelSource: "recipes/models/student.json"),
            distill: DistillSettings(
                training: TrainingSettings(epochs: 20, batchSize: 64, learningRate: 0.002, weightDecay: 0.01,
                                           warmupSteps: 200, gradientClip: 1),
                temperature: 4, losses: LossWeights(hard: 0.5, logits: 0, features: 0, attention: 0.5, contrastive: 0),
                contrastiveTemperature: 0.07, baseline: true, baselineSeeds: 3, cacheTeacher: true,
                curriculum: [.init(epochs: 40, questions: ["relation"], relations: ["left"]), .init(epochs: 20, questions: ["relation"])]),
            // Recovery trains as distill does, at the section's own lr, with at most 50 warmup steps.
            prune: PruningSettings(mlp: 0.5, recovery: TrainingSettings(epochs: 5, batchSize: 64, learningRate: 0.001,
                                                                        weightDecay: 0.01, warmupSteps: 50)),
            quantize: QuantizationSettings(mode: .static, calibration: .percentile(99.99), samples: 512, maxDrop: 0.5,
                                           batchSize: 128),
            cascade: CascadeSection(data: .generator(name: "shapes", count: 5000, seed: 3), settings: CascadeSettings(retain: 0.99)),
            bench: BenchSection(settings: BenchmarkSettings(batchSizes: [1, 32], warmup: 20, iterations: 200)))
        #expect(try shipped("shapes-vqa.json") == expected)
    }

    @Test func shippedQuickRecipeIsSmall() throws {
        let recipe = try shipped("quick.json")
        #expect(recipe.name == "quick" && recipe.output == "checkpoints/quick")
        #expect(recipe.teacher.checkpoint == "checkpoints/quick/teacher.h5")
        #expect(recipe.teacher.model == Self.tiny && recipe.teacher.modelSource == "inline")
        #expect(recipe.student.modelSource == "inline" && recipe.student.model.fusionDim == 8)
        #expect(recipe.data == DataSplits(train: .generator(name: "shapes", count: 256, seed: 1),
                                          test: .generator(name: "shapes", count: 128, seed: 2)))
        let losses = recipe.distill.losses
        #expect([losses.hard, losses.logits, losses.features, losses.attention, losses.contrastive].allSatisfy { $0 > 0 })
        #expect(recipe.distill.baseline && recipe.distill.training.epochs <= 2 && recipe.teacher.train!.epochs <= 2)
        #expect(recipe.bench?.settings.batchSizes == [1, 32] && recipe.bench!.settings.iterations <= 10)
    }

    @Test func benchSection() throws {
        #expect(try F.parse(F.minimal).bench == nil)
        #expect(try F.parse(F.minimal(["bench": "{}"])).bench == BenchSection())
        let full = try F.parse(F.minimal(["bench": #"{"batch_sizes": [8, 1.0, 64], "threads": 1, "warmup": 0, "#
                                                   + #""iterations": 5, "report": "out/r"}"#]))
        #expect(full.bench == BenchSection(settings: BenchmarkSettings(batchSizes: [8, 1, 64], warmup: 0, iterations: 5),
                                           threads: 1, report: "out/r"))
        // Written back with every default, and read again to the same section.
        let normalized = try F.parse(F.parse(F.minimal(["bench": #"{"iterations": 7}"#])).normalizedJSON())
        #expect(normalized.bench == BenchSection(settings: BenchmarkSettings(iterations: 7)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(full.normalizedJSON().utf8)) as? [String: Any])
        #expect(Set((object["bench"] as? [String: Any] ?? [:]).keys) == ["batch_sizes", "threads", "warmup", "iterations", "report"])
    }

    @Test func omittedKeysTakeTheirDefaults() throws {
        let expected = Recipe(
            name: "tiny", seed: 0, output: "out",
            data: DataSplits(train: .generator(name: "shapes", count: 64, seed: 1), test: .file(path: "test.h5")),
            teacher: TeacherSection(checkpoint: "out/teacher.h5", model: Self.tiny, modelSource: "inline", train: nil),
            student: StudentSection(model: Self.tiny, modelSource: "inline"),
            distill: DistillSettings(
                training: TrainingSettings(epochs: 2, batchSize: 16, learningRate: 0.01, weightDecay: 0, warmupSteps: 0,
                                           gradientClip: 1),
                temperature: 4, losses: LossWeights(hard: 1, logits: 0, features: 0, attention: 0, contrastive: 0),
                contrastiveTemperature: 0.07, baseline: true, cacheTeacher: true))
        #expect(try F.parse(F.minimal) == expected)
        // A partial losses section fills in the rest; a partial train section likewise.
        let partial = try F.parse(F.minimal(["distill.losses": #"{"logits": 0.25}"#,
                                             "teacher.train": #"{"epochs": 1, "batch_size": 4, "lr": 0.5}"#]))
        #expect(partial.distill.losses == LossWeights(hard: 1, logits: 0.25))
        #expect(partial.teacher.train == TrainingSettings(epochs: 1, batchSize: 4, learningRate: 0.5, weightDecay: 0,
                                                          warmupSteps: 0, gradientClip: 1))
    }

    @Test func optionalKeysAreRead() throws {
        let recipe = try F.parse(F.minimal([
            "distill.grad_clip": "0.5", "distill.contrastive_temperature": "0.2", "distill.cache_teacher": "false",
            "distill.baseline": "false", "distill.temperature": "2",
            "teacher.train": #"{"epochs": 3, "batch_size": 8, "lr": 1e-4, "grad_clip": 5}"#,
        ]))
        #expect(recipe.distill.training.gradientClip == 0.5 && recipe.distill.contrastiveTemperature == 0.2)
        #expect(!recipe.distill.cacheTeacher && !recipe.distill.baseline && recipe.distill.temperature == 2)
        #expect(recipe.teacher.train?.gradientClip == 5 && recipe.teacher.train?.learningRate == 1e-4)
    }

    @Test func wholeNumbersWrittenAsFloatsAreIntegers() throws {
        let recipe = try F.parse(F.minimal(["distill.epochs": "8.0", "distill.batch_size": "3.2e1", "seed": "1e3",
                                            "data.train.count": "64.000", "teacher.model.vision_dim": "16.0"]))
        #expect(recipe.distill.training.epochs == 8 && recipe.distill.training.batchSize == 32)
        #expect(recipe.seed == 1000 && recipe.data.train == .generator(name: "shapes", count: 64, seed: 1))
        #expect(recipe.teacher.model.visionDim == 16)
        #expect(try F.parse(F.minimal(["seed": "18446744073709551615"])).seed == UInt64.max)
    }

    @Test func modelByPathOrInline() throws {
        try F.withTemporaryFolder { folder in
            try F.tinyModel.write(to: folder.appendingPathComponent("tiny.json"), atomically: true, encoding: .utf8)
            let relative = try F.parse(F.minimal(["teacher.model": #""tiny.json""#]), relativeTo: folder)
            #expect(relative.teacher.model == Self.tiny && relative.teacher.modelSource == "tiny.json")
            let absolutePath = folder.appendingPathComponent("tiny.json").path
            let absolute = try F.parse(F.minimal(["student.model": "\"\(absolutePath)\""]), relativeTo: F.packageRoot)
            #expect(absolute.student.model == Self.tiny && absolute.student.modelSource == absolutePath)
        }
    }

    @Test func normalizedJSONHasEveryKeyAndReadsBack() throws {
        let recipe = try F.parse(F.minimal)
        let text = recipe.normalizedJSON()
        // Checked with Foundation's parser, independent of ours.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["name", "seed", "output", "data", "teacher", "student", "distill"])
        let distill = try #require(object["distill"] as? [String: Any])
        #expect(Set(distill.keys) == ["epochs", "batch_size", "lr", "weight_decay", "warmup_steps", "grad_clip", "temperature",
                                      "losses", "contrastive_temperature", "baseline", "baseline_seeds", "cache_teacher"])
        #expect((distill["lr"] as? Double) == 0.01 && (distill["contrastive_temperature"] as? Double) == 0.07)
        let teacher = try #require(object["teacher"] as? [String: Any])
        #expect(Set(teacher.keys) == ["checkpoint", "model"])
        #expect(((teacher["model"] as? [String: Any])?["mlp_ratio"] as? Int) == 4)
        #expect(text.hasPrefix(#"{"data":{"test":{"path":"test.h5"},"train":{"count":64,"generator":"shapes","seed":1}},"distill":{"#))

        var fromFiles = try shipped("shapes-vqa.json")
        let reread = try F.parse(fromFiles.normalizedJSON(pretty: true))
        fromFiles.teacher.modelSource = "inline"
        fromFiles.student.modelSource = "inline"
        #expect(reread == fromFiles)
        #expect(try F.parse(recipe.normalizedJSON()) == recipe)
    }

    @Test func stagesInheritTheRunsKeysAndReadBack() throws {
        let stages = #"[{"kind": "vision", "epochs": 2, "mask_ratio": 0.6, "lr": 0.001}, {"kind": "text", "epochs": 1}, "#
            + #"{"kind": "align", "epochs": 3, "temperature": 0.1, "freeze": ["head."]}, "#
            + #"{"kind": "task", "epochs": 5, "freeze": ["vision."]}]"#
        let recipe = try F.parse(F.minimal(["distill.epochs": nil, "distill.stages": stages,
                                            "teacher.train": #"{"batch_size": 8, "lr": 0.5, "stages": [{"kind": "task", "epochs": 4}]}"#]))
        let base = TrainingSettings(epochs: 2, batchSize: 16, learningRate: 0.01)
        func settings(_ epochs: Int, lr: Float = 0.01) -> TrainingSettings {
            var copy = base
            (copy.epochs, copy.learningRate) = (epochs, lr)
            return copy
        }
        #expect(recipe.distill.stages == [
            TrainingStage(kind: .vision, settings: settings(2, lr: 0.001), maskRatio: 0.6),
            TrainingStage(kind: .text, settings: settings(1)),
            TrainingStage(kind: .align, settings: settings(3), frozen: ["head."], temperature: 0.1),
            TrainingStage(kind: .task, settings: settings(5), frozen: ["vision."]),
        ])
        #expect(recipe.distill.stages[1].maskRatio == 0.25 && recipe.distill.stages[0].trains("vision.norm.weight"))
        #expect(!recipe.distill.stages[2].trains("head.fc.weight") && !recipe.distill.stages[2].trains("fusion.gate_net.0.weight"))
        #expect(recipe.distill.training == settings(5), "the task stage's settings are the run's")
        #expect(recipe.teacher.train == TrainingSettings(epochs: 4, batchSize: 8, learningRate: 0.5))
        #expect(try F.parse(recipe.normalizedJSON()) == recipe)
    }

    @Test func initSectionsReadTheirCheckpointAndPrefixes() throws {
        let recipe = try F.parse(F.minimal(["student.init": #"{"checkpoint": "out/teacher.h5", "prefixes": ["text.", "head."]}"#,
                                            "teacher.init": #"{"checkpoint": "pre.h5"}"#]))
        #expect(recipe.student.initialisation == ModelInitialisation(checkpoint: "out/teacher.h5", prefixes: ["text.", "head."]))
        #expect(recipe.teacher.initialisation == ModelInitialisation(checkpoint: "pre.h5", prefixes: []))
        #expect(try F.parse(recipe.normalizedJSON()) == recipe)
        #expect(F.failure(F.minimal(["student.init": #"{"checkpoint": "a.h5", "prefix": ["x."]}"#]))?
                    .contains(#"student.init: unknown key "prefix" (did you mean "prefixes"?)"#) == true)
    }

    @Test func pruneSectionReadsTextGuidedTokensBeforeTheFirstLayer() throws {
        let recipe = try F.parse(F.minimal(["prune": #"{"keep_tokens": 0.25, "after_layer": 0, "#
                                                     + #""token_scoring": "text", "recover_epochs": 1}"#]))
        #expect(recipe.prune == PruningSettings(keepTokens: 0.25, afterLayer: 0, tokenScoring: .text, recovery: TrainingSettings(
            epochs: 1, batchSize: 16, learningRate: PruningSettings.defaultRecoveryLearningRate, weightDecay: 0, warmupSteps: 0)))
        #expect(try F.parse(recipe.normalizedJSON()) == recipe)
    }

    @Test func loadNamesFileAsGiven() throws {
        try F.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("r.json")
            try F.minimal(["distill.lr": "0"]).write(to: url, atomically: true, encoding: .utf8)
            #expect(throws: RecipeError(file: url.path, keyPath: "distill.lr", message: "expected a number > 0, got 0")) {
                try Recipe.load(from: url)
            }
        }
    }
}

@Suite struct TeacherTrainingDataTests {
    @Test func freshEpochsDrawNewSeedsAndStagesCountEpochs() {
        let data = TeacherTrainingData(source: .generator(name: "shapes", count: 10, seed: 5), freshPerEpoch: true,
                                       curriculum: [.init(epochs: 2, questions: ["relation"]), .init(epochs: 1)])
        #expect(data.epochSource(0) == .generator(name: "shapes", count: 10, seed: 5))
        #expect(data.epochSource(2) == .generator(name: "shapes", count: 10, seed: 5 &+ 2 &* 0x9E37_79B9_7F4A_7C15))
        #expect(TeacherTrainingData(source: .generator(name: "shapes", count: 10, seed: 5)).epochSource(3)
            == .generator(name: "shapes", count: 10, seed: 5))
        #expect((0..<5).map { data.stageIndex(epoch: $0) } == [0, 0, 1, nil, nil])
        #expect(data.scheduleSegments(epochs: 5) == [2, 1, 2] && data.scheduleSegments(epochs: 3) == [2, 1])
        #expect(TeacherTrainingData(source: .generator(name: "shapes", count: 10, seed: 5)).scheduleSegments(epochs: 4) == [])
    }
}
