import Checkpoint
import Distillation
import Foundation
import Models
import Training

/// Recovery after a pruning round: the pruned student is fine-tuned with the distillation
/// objective against the teacher (`StudentDistiller` + `Trainer`), in place.
public final class PruningRecovery {
    public let teacher: FusionModel
    /// The teacher's checkpoint; its output cache lives beside it (see `TeacherCache`).
    public let teacherFile: URL
    public let train: MultimodalDataset
    /// Accuracy reported after each epoch.
    public let evaluate: (FusionModel) -> Double
    public let settings: TrainingSettings
    public let objective: DistillationObjective
    public let seed: UInt64
    public let progress: ProgressReporter
    /// The replicas of a data-parallel run, which share the teacher's outputs and each step (nil: this process alone).
    public let replicas: ReplicaGroup?

    public init(teacher: FusionModel, teacherFile: URL, train: MultimodalDataset, evaluate: @escaping (FusionModel) -> Double,
                settings: TrainingSettings, objective: DistillationObjective, seed: UInt64, progress: ProgressReporter,
                replicas: ReplicaGroup? = nil) {
        self.teacher = teacher; self.teacherFile = teacherFile; self.train = train; self.evaluate = evaluate
        self.settings = settings; self.objective = objective; self.seed = seed; self.progress = progress; self.replicas = replicas
    }

    /// The default recipe's loss weights, with a fine-tuning learning rate.
    public static let defaultObjective = DistillationObjective(
        weights: LossWeights(hard: 0.5, logits: 0.5, features: 1.0, attention: 0.5, contrastive: 0.1), temperature: 4)

    /// Checks that the teacher reads the same inputs and answers the same classes as `student`,
    /// and that the training data fits both. - Throws: `PruningError`.
    public func check(student config: ModelConfig) throws(PruningError) {
        guard train.labels != nil else {
            throw .unusableData(file: train.source, reason: "recovery needs labelled training data (/labels)")
        }
        for (name, a, b) in [("image_size", config.imageSize, teacher.config.imageSize),
                             ("vocab_size", config.vocabSize, teacher.config.vocabSize),
                             ("num_classes", config.numClasses, teacher.config.numClasses),
                             ("max_text_len", config.maxTextLen, teacher.config.maxTextLen)]
        where a != b {
            throw .unusableData(file: teacherFile.path, reason: "teacher \(name) \(b) differs from the student's \(a)")
        }
        for model in [config, teacher.config] {
            do { try train.validate(against: model) } catch { throw .unusableData(file: train.source, reason: "\(error)") }
        }
    }

    private lazy var teacherOutputs: Result<TeacherOutputs, CheckpointError> = Result { () throws(CheckpointError) in
        try TeacherCache.outputs(teacher: teacher, teacherFile: teacherFile, data: train, batchSize: 128, replicas: replicas,
                                 report: progress.line)
    }

    /// Fine-tunes `student` in place for `settings.epochs`. The attention-map term compares maps
    /// over all patches, so it is left out when the student or the teacher drops vision tokens.
    /// - Returns: one record per epoch.
    public func recover(_ student: FusionModel, phase: String) throws -> [EpochRecord] {
        let outputs = try teacherOutputs.get()
        var objective = objective
        if (student.config.visionTokenKeep != nil || teacher.config.visionTokenKeep != nil) && objective.weights.attention > 0 {
            objective.weights.attention = 0
            progress.line("\(phase): attention-map loss off (a model that drops vision tokens has attention maps over other patches)")
        }
        let distiller = StudentDistiller(student: student, teacherWidth: teacher.config.fusionDim, objective: objective, seed: seed &+ 2)
        let trainer = Trainer(phase: phase, parameters: distiller.trainableParameters, settings: settings, seed: seed &+ 11,
                              sampleCount: train.count, statePath: nil, fingerprint: "", progress: progress, replicas: replicas)
        return try trainer.run(resume: false, step: { indices in
            distiller.step(train.batch(indices), teacher: outputs, teacherIndices: indices, share: trainer.batchShare)
        }, evaluate: { evaluate(student) })
    }
}
