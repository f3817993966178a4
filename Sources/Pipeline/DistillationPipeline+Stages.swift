import Checkpoint
import Evaluation
import Foundation
import Models
import Pretraining
import Recipes
import Training

/// Staged runs (`teacher.train.stages`, `distill.stages`): the pretraining stages before the task,
/// each a resumable run of its own named `<phase>-<kind>` in the progress output, `train-log.csv`
/// and the state folder, and the record of them a checkpoint keeps.
extension DistillationPipeline {
    /// Trains `model` through the stages before the task, in order, on `data`; a stage finished by
    /// an earlier run is loaded from its state file. `seed` starts the decoders, masks and orders.
    /// - Returns: the epochs of every pretraining stage.
    func pretrain(_ model: FusionModel, stages: [TrainingStage], phase: String, data: MultimodalDataset,
                  train: MultimodalDataset, test: MultimodalDataset, seed: UInt64) throws -> [EpochRecord] {
        var records: [EpochRecord] = []
        for (index, stage) in stages.pretraining.enumerated() {
            let stagePhase = "\(phase)-\(stage.kind.rawValue)"
            let objective = try stage.objective(for: model, data: data, seed: seed &+ UInt64(index))!
            let trained = try stage.trainedParameters(of: model)
            progress.line("\(phase): stage \(index + 1)/\(stages.count) \"\(stage.kind.rawValue)\", \(stage.settings.epochs) epochs, "
                + "training \(trained.count) of \(model.namedParameters.count) tensors")
            var epoch = 0
            let trainer = Trainer(phase: stagePhase, parameters: trained + objective.ownParameters, settings: stage.settings,
                                  seed: seed &+ 100 &+ UInt64(index), sampleCount: data.count, statePath: stateFile(stagePhase),
                                  fingerprint: fingerprint(stagePhase, train, test), progress: progress, replicas: replicas)
            records += try trainer.run(resume: resume, shouldStop: shouldStop, epochData: { epoch = $0 },
                                       step: { objective.step(data, samples: $0, epoch: epoch, share: trainer.batchShare) },
                                       evaluate: { Evaluation.accuracy(of: model, on: test) })
        }
        if let task = stages.last {
            progress.line("\(phase): stage \(stages.count)/\(stages.count) \"task\", \(task.settings.epochs) epochs")
        }
        return records
    }

    /// The epochs of the pretraining stages an earlier run of `phase` finished (for a resumed run
    /// that loads the model they made instead of training it).
    func completedPretraining(_ stages: [TrainingStage], phase: String, train: MultimodalDataset,
                              test: MultimodalDataset) -> [EpochRecord] {
        stages.pretraining.flatMap { stage in
            let stagePhase = "\(phase)-\(stage.kind.rawValue)"
            return Trainer.completedRecords(statePath: stateFile(stagePhase), fingerprint: fingerprint(stagePhase, train, test)) ?? []
        }
    }

    /// Checks every stage of the recipe against its model and data before any work: unmatched
    /// frozen prefixes, an `align` stage without captions, a mask id the vocabulary leaves no room for.
    func checkStages(train: MultimodalDataset) throws {
        if !recipe.teacher.stages.isEmpty, recipe.teacher.train != nil, !FileManager.default.fileExists(atPath: recipe.teacher.checkpoint) {
            let data = try recipe.teacher.trainData.map { try teacherData($0, epoch: 0) } ?? train
            try check(recipe.teacher.stages, key: "teacher.train.stages", model: FusionModel(config: recipe.teacher.model, seed: 0),
                      data: data)
        }
        try check(recipe.distill.stages, key: "distill.stages", model: FusionModel(config: recipe.student.model, seed: 0), data: train)
    }

    private func check(_ stages: [TrainingStage], key: String, model: FusionModel, data: MultimodalDataset) throws {
        for (index, stage) in stages.enumerated() {
            do { try stage.check(model: model, data: data) } catch {
                throw PipelineError.invalidRecipe(key: "\(key)[\(index)]", reason: "\(error)")
            }
        }
    }

    /// What a checkpoint keeps of the stages that made it: each stage's epochs, frozen prefixes,
    /// seconds and last loss, from the records of `phase` (nil for a run without stages).
    func stageRecords(_ stages: [TrainingStage], phase: String, records: [EpochRecord]) -> [StageRecord]? {
        guard !stages.isEmpty else { return nil }
        let pretraining = Set(stages.pretraining.map { "\(phase)-\($0.kind.rawValue)" })
        return stages.map { stage in
            let own = records.filter {
                stage.kind == .task ? !pretraining.contains($0.phase) : $0.phase == "\(phase)-\(stage.kind.rawValue)"
            }
            return StageRecord(kind: stage.kind.rawValue, epochs: own.count, frozen: stage.frozen,
                               seconds: own.reduce(0) { $0 + $1.seconds }, finalLoss: own.last?.trainLoss ?? 0)
        }
    }
}

extension Recipe {
    /// Whether a stage of the recipe aligns images with captions, so generated data need them.
    var alignsCaptions: Bool { (teacher.stages + distill.stages).contains { $0.kind == .align } }
}
