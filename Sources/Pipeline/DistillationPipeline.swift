import Checkpoint
import Datasets
import Distillation
import Evaluation
import Foundation
import Models
import Recipes
import TensorCore
import Training

/// Runs a recipe: data → teacher (loaded, or trained and saved) → distilled student → scratch
/// baseline (→ pruned student, when the recipe has a `prune` section → int8 student, when it has a
/// `quantize` section → bench report, when it has a `bench` section), writing checkpoints,
/// `train-log.csv`, `distill.json` and the report (`report/`) into the recipe's output.
public final class DistillationPipeline {
    public let recipe: Recipe
    /// The recipe file, recorded in provenance.
    public let recipeFile: String
    public let resume: Bool
    public let progress: ProgressReporter
    public let toolVersion: String
    public let commandLine: String
    /// Asked after each training step whether to save and stop (default: was Ctrl-C pressed?).
    public var shouldStop: () -> Bool = { Interruption.requested }
    /// The ranks of a data-parallel run (`mpirun`; nil: this process alone). Every rank runs the
    /// training phases on its share of each batch; rank 0 alone writes files, and runs the phases
    /// after the last training (quantize, cascade, the report) on its own.
    public var replicas: ReplicaGroup?

    public init(recipe: Recipe, recipeFile: String, resume: Bool, progress: ProgressReporter, toolVersion: String, commandLine: String) {
        self.recipe = recipe
        self.recipeFile = recipeFile
        self.resume = resume
        self.progress = progress
        self.toolVersion = toolVersion
        self.commandLine = commandLine
    }

    var output: URL { URL(fileURLWithPath: recipe.output) }
    func stateFile(_ phase: String) -> URL { output.appendingPathComponent(".state/\(phase).h5") }
    /// Whether this process writes files: always alone, rank 0 of a data-parallel run.
    var writes: Bool { (replicas?.rank ?? 0) == 0 }

    /// Runs `write` (which writes `path`) on rank 0 alone, every rank told whether it worked so none
    /// waits for a rank that stopped; alone, just runs it.
    func onRankZero<T>(_ path: URL, _ write: () throws -> T) throws -> T? {
        guard let replicas else { return try write() }
        var result: T?
        try replicas.onRankZero({ result = try write() }, failedOnRankZero: PipelineError.writerFailed(path: path.path))
        return result
    }

    /// Runs every stage; with `teacherOnly`, stops after the teacher (`condenser train`). Once the
    /// recipe and data have passed every check, the output folder is held for the rest of the run
    /// (`OutputFolderLock`), so nothing is written for a bad recipe and two runs never mix files.
    public func run(teacherOnly: Bool = false) throws -> DistillationReport {
        let timer = PhaseTimer()
        try recipe.checkMemory(teacherOnly: teacherOnly)
        let (train, test) = try timer.time("data") { try loadData() }
        let lock = try onRankZero(output) { try OutputFolderLock(folder: output) }
        defer { withExtendedLifetime(lock) {} }
        let (teacher, teacherRecords) = try timer.time("teacher") { try prepareTeacher(train: train, test: test) }
        var report = DistillationReport(name: recipe.name, teacher: teacher.summary, recipeJSON: recipe.normalizedJSON())
        report.epochs = teacherRecords

        if !teacherOnly {
            // The checkpoints this run wrote or loaded, in report order (never files left by an earlier run).
            let written = [(name: "teacher", model: teacher.model, file: teacher.file)]
                + (try studentPhases(teacher: teacher, train: train, test: test, report: &report, timer: timer))
            // The other ranks' part ends with the last training phase.
            guard writes else { return report }
            for (name, model, file) in written {
                guard let model = model ?? (try? CheckpointFile.loadModel(from: file).model) else { continue }
                report.accuracyByKind[name] = accuracyByKind(model, on: test)
            }
            if recipe.bench != nil, let replicas {
                report.warnings.append("bench: skipped, since \(replicas.size) ranks share this run's machines and latencies measured "
                                       + "beside them mean nothing; run `condenser bench` on the checkpoints without mpirun")
            } else if let bench = recipe.bench {
                let (benchReport, folder) = try timer.time("bench") {
                    try runBench(bench, checkpoints: written.map(\.file), test: test)
                }
                report.bench = benchReport
                report.benchReportFolder = folder.path
            }
        }
        guard writes else { return report }
        report.seconds = timer.finish()
        try writeFileAtomically(Data(TrainLog.csv(report.epochs).utf8), to: output.appendingPathComponent("train-log.csv"))
        try writeFileAtomically(report.jsonData(in: output),
                                to: output.appendingPathComponent(teacherOnly ? "train.json" : "distill.json"))
        for warning in report.warnings { progress.line("warning: \(warning)") }
        if let failures = report.bench?.failures, !failures.isEmpty {
            throw PipelineError.benchFailed(failures.map { $0.error ?? $0.path })
        }
        return report
    }

    /// The phases after the teacher: distilled student, pruned student, scratch students, int8
    /// student, each as the recipe asks, recorded in `report`.
    /// - Returns: the checkpoints written, in report order, with the model when it is in memory.
    func studentPhases(teacher: SavedModel, train: MultimodalDataset, test: MultimodalDataset,
                       report: inout DistillationReport, timer: PhaseTimer) throws -> [(name: String, model: FusionModel?, file: URL)] {
        let settings = recipe.distill
        let teacherOutputs: TeacherOutputs? = try timer.time("teacher_outputs") {
            guard settings.cacheTeacher, objective.needsTeacher else { return nil }
            return try TeacherCache.outputs(teacher: teacher.model, teacherFile: teacher.file, data: train,
                                            batchSize: 128, replicas: replicas, report: progress.line)
        }
        let (studentModel, studentRecords) = try timer.time("student") {
            try trainStudent(phase: "student", objective: objective, teacher: teacher.model, teacherOutputs: teacherOutputs,
                             train: train, test: test)
        }
        let student = try save(studentModel, phase: "student", file: "student.h5", accuracy: studentRecords.last!.testAccuracy,
                               stages: stageRecords(settings.stages, phase: "student", records: studentRecords))
        report.student = student.summary
        report.epochs += studentRecords
        var pruned: SavedModel?
        if let prune = recipe.prune {
            let (model, records) = try timer.time("student_pruned") {
                try pruneStudent(student, settings: prune, teacher: teacher, train: train, test: test)
            }
            (pruned, report.studentPruned) = (model, model.summary)
            report.epochs += records
        }
        let scratch = try settings.baseline ? timer.time("student_scratch") {
            try trainScratchStudents(settings.baselineSeeds, train: train, test: test, into: &report)
        } : nil
        guard writes else { return [] }  // quantize and cascade: rank 0 alone
        var written = [("student", student), ("student-scratch", scratch), ("student-pruned", pruned)]
            .compactMap { name, saved in saved.map { (name: name, model: Optional($0.model), file: $0.file) } }
        var final = (pruned ?? student).file
        if let quantize = recipe.quantize {
            let source = pruned ?? student
            let int8 = try timer.time("quantize") { try quantizeStudent(quantize, source: source, train: train, test: test) }
            report.studentInt8 = int8
            final = int8.checkpoint
            written.append((source.file.deletingPathExtension().lastPathComponent + "-int8", nil, int8.checkpoint))
        }
        if let section = recipe.cascade {
            let cascade = try timer.time("cascade") { try cascadeStudent(section, student: final, teacher: teacher, test: test) }
            report.cascade = cascade
            written.append(("cascade", nil, cascade.checkpoint))
        }
        return written
    }

    var objective: DistillationObjective {
        DistillationObjective(weights: recipe.distill.losses, temperature: recipe.distill.temperature,
                              contrastiveTemperature: recipe.distill.contrastiveTemperature)
    }

    /// Reads or generates both data sets and checks them against both models before any training.
    func loadData() throws -> (train: MultimodalDataset, test: MultimodalDataset) {
        let train = try recipe.data.train.load(captions: recipe.alignsCaptions), test = try recipe.data.test.load()
        guard train.labels != nil, test.labels != nil else {
            throw PipelineError.unusableData(key: "data", reason: "training and test data need /labels")
        }
        _ = try recipe.distill.curriculum.questions(keyPath: "distill.curriculum")  // unknown kinds or words stop the run here
        try checkInitialisations()
        try checkStages(train: train)
        if let section = recipe.cascade {
            let loaded = try section.data.load()
            guard loaded.labels != nil else {
                throw PipelineError.unusableData(key: "cascade.data", reason: "calibration data need /labels")
            }
            cascadeData = loaded.named("cascade.data: \(loaded.source)")
        }
        for (data, key) in [(train, "data.train"), (test, "data.test")] + (cascadeData.map { [($0, "cascade.data")] } ?? []) {
            for (config, model) in [(recipe.teacher.model, "teacher.model"), (recipe.student.model, "student.model")] {
                do { try data.validate(against: config) } catch {
                    throw PipelineError.unusableData(key: key, reason: "does not fit \(model): \(error)")
                }
            }
        }
        if objective.weights.attention > 0 && recipe.teacher.model.patchCount != recipe.student.model.patchCount {
            throw PipelineError.invalidRecipe(key: "distill.losses.attention", reason: "teacher and student see different patch grids "
                + "(\(recipe.teacher.model.patchCount) and \(recipe.student.model.patchCount) patches), so their attention maps "
                + "cannot be compared; set it to 0")
        }
        if objective.weights.attention > 0,
           let (model, _) = [("teacher.model", recipe.teacher.model), ("student.model", recipe.student.model)]
               .first(where: { $0.1.visionTokenKeep != nil }) {
            throw PipelineError.invalidRecipe(key: "distill.losses.attention", reason: "\(model) drops vision tokens "
                + "(vision_token_keep), so its attention maps cover other patches than the other model's; set it to 0")
        }
        return (train, test)
    }

    /// Checks each `init` against its model before any work; a student initialised from the teacher
    /// this run will train is checked once the teacher exists (the shapes cannot be known before).
    func checkInitialisations() throws {
        for (key, initialisation, config) in [("teacher.init", recipe.teacher.initialisation, recipe.teacher.model),
                                              ("student.init", recipe.student.initialisation, recipe.student.model)] {
            guard let initialisation else { continue }
            let producedByThisRun = initialisation.checkpoint == recipe.teacher.checkpoint
                && !FileManager.default.fileExists(atPath: recipe.teacher.checkpoint)
            if producedByThisRun && key == "student.init" { continue }
            do {
                try initialisation.apply(to: FusionModel(config: config, seed: 0))
            } catch {
                throw PipelineError.invalidRecipe(key: key, reason: "\(error)")
            }
        }
    }

    /// Loads the teacher checkpoint when it exists (its config must be the recipe's), else trains and saves it.
    func prepareTeacher(train: MultimodalDataset, test: MultimodalDataset) throws -> (SavedModel, [EpochRecord]) {
        let url = URL(fileURLWithPath: recipe.teacher.checkpoint)
        if FileManager.default.fileExists(atPath: url.path) {
            let (teacher, metadata) = try CheckpointFile.loadModel(from: url)
            guard metadata.config == recipe.teacher.model else {
                throw PipelineError.unusableCheckpoint(file: url.path, reason: "its model config \(metadata.config.jsonString()) is "
                    + "not teacher.model of the recipe (\(recipe.teacher.model.jsonString())); delete it to train a new teacher, "
                    + "or point teacher.checkpoint elsewhere")
            }
            let accuracy = Evaluation.accuracy(of: teacher, on: test)
            progress.line(String(format: "teacher: loaded %@, test accuracy %.2f%%", url.path, 100 * accuracy))
            // A resumed run keeps the epochs of the teacher it trained before the interruption.
            let records = resume
                ? completedPretraining(recipe.teacher.stages, phase: "teacher", train: train, test: test) + (recipe.teacher.train.flatMap {
                    try? teacherTrainer(teacher, $0, samples: train.count, train, test).completedRecords() } ?? [])
                : []
            return (SavedModel(model: teacher, file: url, accuracy: accuracy, trained: !records.isEmpty), records)
        }
        guard let settings = recipe.teacher.train else {
            throw PipelineError.invalidRecipe(key: "teacher.checkpoint", reason: "\(url.path) does not exist and the recipe has no "
                + "teacher.train section to train one")
        }
        let teacher = FusionModel(config: recipe.teacher.model, seed: recipe.seed)
        try recipe.teacher.initialisation?.apply(to: teacher)
        let ownData = recipe.teacher.trainData
        var teacherTrain = try ownData.map { try teacherData($0, epoch: 0) } ?? train
        var loadedEpoch = 0
        let staged = try pretrain(teacher, stages: recipe.teacher.stages, phase: "teacher", data: teacherTrain, train: train, test: test,
                                  seed: recipe.seed &+ 50)
        let trainer = try teacherTrainer(teacher, settings, samples: teacherTrain.count, train, test)
        // Only generated sets change per epoch (fresh samples or a curriculum); they cannot fail to
        // load, and their first epoch was checked above.
        let records = try staged + trainer.run(resume: resume, shouldStop: shouldStop, epochData: { epoch in
            guard let ownData, ownData.freshPerEpoch || !ownData.curriculum.isEmpty, epoch != loadedEpoch,
                  let data = try? ownData.load(epoch: epoch, captions: recipe.alignsCaptions) else { return }
            (teacherTrain, loadedEpoch) = (data, epoch)
        }, step: { indices in
            let batch = teacherTrain.batch(indices)
            let output = teacher(batch.input)
            return Trainer.StepResult(loss: crossEntropy(logits: output.logits, labels: batch.labels!), components: [:],
                                      correct: Evaluation.hits(logits: output.logits, labels: batch.labels!))
        }, evaluate: { Evaluation.accuracy(of: teacher, on: test) })
        let accuracy = records.last!.testAccuracy
        var teacherMetadata = metadata(teacher, accuracy: accuracy,
                                       stages: stageRecords(recipe.teacher.stages, phase: "teacher", records: records))
        teacherMetadata.provenance.training = TrainingRecord(
            recipe: recipeFile, data: recipe.teacherTrainingDataJSON, test: recipe.testDataJSON, epochs: records.count,
            samples: records.count * trainer.sampleCount, seconds: records.reduce(0) { $0 + $1.seconds }, testAccuracy: accuracy)
        try onRankZero(url) { try CheckpointFile.write(model: teacher, metadata: teacherMetadata, to: url) }
        progress.line(String(format: "teacher: saved %@, test accuracy %.2f%%", url.path, 100 * accuracy))
        return (SavedModel(model: teacher, file: url, accuracy: accuracy, trained: true), records)
    }

    /// `teacher.train.data`'s samples of `epoch`, checked to fit the teacher.
    func teacherData(_ source: TeacherTrainingData, epoch: Int) throws -> MultimodalDataset {
        let data = try source.load(epoch: epoch, captions: recipe.alignsCaptions)
        guard data.labels != nil else { throw PipelineError.unusableData(key: "teacher.train.data", reason: "training data need /labels") }
        do { try data.validate(against: recipe.teacher.model) } catch {
            throw PipelineError.unusableData(key: "teacher.train.data", reason: "does not fit teacher.model: \(error)")
        }
        return data
    }

    /// The teacher's trainer over `samples` samples per epoch (training what the `task` stage leaves
    /// unfrozen); the run's fingerprint covers data.train and data.test, and the recipe (so `teacher.train.data` too).
    func teacherTrainer(_ teacher: FusionModel, _ settings: TrainingSettings, samples: Int, _ train: MultimodalDataset,
                        _ test: MultimodalDataset) throws -> Trainer {
        Trainer(phase: "teacher", parameters: try recipe.teacher.stages.last?.trainedParameters(of: teacher) ?? teacher.namedParameters,
                settings: settings, seed: recipe.seed &+ 10,
                sampleCount: samples, statePath: stateFile("teacher"), fingerprint: fingerprint("teacher", train, test), progress: progress,
                segments: recipe.teacher.trainData?.scheduleSegments(epochs: settings.epochs) ?? [], replicas: replicas)
    }

    /// The scratch baseline: `count` students trained on labels alone. The first starts from the distilled
    /// student's initial weights and data order and is saved as `student-scratch.h5`; the others, from
    /// seeds of their own, only report their accuracy (so the bench phase measures one scratch student).
    /// - Returns: the saved scratch student.
    func trainScratchStudents(_ count: Int, train: MultimodalDataset, test: MultimodalDataset,
                              into report: inout DistillationReport) throws -> SavedModel {
        var saved: SavedModel?
        for run in 0..<count {
            let phase = run == 0 ? "student-scratch" : "student-scratch-\(run + 1)"
            let offset = UInt64(run) &* 1_000
            let (scratch, records) = try trainStudent(phase: phase, objective: .labelsOnly, teacher: nil, teacherOutputs: nil,
                                                      train: train, test: test, seedOffset: offset)
            let accuracy = records.last!.testAccuracy
            if run == 0 {
                saved = try save(scratch, phase: phase, file: "student-scratch.h5", accuracy: accuracy,
                                 stages: stageRecords(recipe.distill.stages, phase: phase, records: records))
                report.studentScratch = saved!.summary
            } else {
                progress.line(String(format: "%@: test accuracy %.2f%% (not saved)", phase, 100 * accuracy))
                report.accuracyByKind[phase] = accuracyByKind(scratch, on: test)
            }
            report.scratchRuns.append((seed: studentSeed(offset), accuracy: accuracy))
            report.epochs += records
        }
        let scratch = report.scratchMeanAccuracy ?? report.studentScratch!.accuracy
        let basis = count > 1 ? ", mean of \(count) seeds" : ""
        if report.teacher.accuracy <= scratch {
            report.warnings.append(String(format: "the teacher (%.1f%%) is not more accurate than the student trained from scratch "
                                              + "(%.1f%%%@): distilling from a weaker teacher usually hurts. "
                                              + "Train the teacher longer or on more data.",
                                          100 * report.teacher.accuracy, 100 * scratch, basis))
        }
        if let spread = report.scratchSpreadPoints, let gain = report.meanGainPoints, spread >= abs(gain) {
            report.warnings.append(String(format: "the scratch students' accuracy spans %.1f points over %d seeds, "
                                              + "as much as the distillation gain of %+.1f points over their mean: "
                                              + "the gain is within seed-to-seed variation.",
                                          spread, count, gain))
        }
        return saved!
    }

    /// A student before training: random from `studentSeed(seedOffset)`, then `student.init`'s weights.
    func newStudent(seedOffset: UInt64) throws -> FusionModel {
        let student = FusionModel(config: recipe.student.model, seed: studentSeed(seedOffset))
        try recipe.student.initialisation?.apply(to: student)
        return student
    }

    /// Initial-weight seed of a student; `seedOffset` 0 is the distilled student's.
    func studentSeed(_ seedOffset: UInt64) -> UInt64 { recipe.seed &+ 1 &+ seedOffset }

    /// Trains a fresh student with `objective`. Every phase with the same `seedOffset` starts from the
    /// same initial weights and sees the data in the same order.
    func trainStudent(phase: String, objective: DistillationObjective, teacher: FusionModel?, teacherOutputs: TeacherOutputs?,
                      train: MultimodalDataset, test: MultimodalDataset, seedOffset: UInt64 = 0) throws -> (FusionModel, [EpochRecord]) {
        let student = try newStudent(seedOffset: seedOffset)
        let distiller = StudentDistiller(student: student, teacherWidth: recipe.teacher.model.fusionDim, objective: objective,
                                         seed: recipe.seed &+ 2)
        var records = try pretrain(student, stages: recipe.distill.stages, phase: phase, data: train, train: train, test: test,
                                   seed: recipe.seed &+ 60 &+ seedOffset)
        let task = recipe.distill.stages.last
        let parameters = distiller.trainableParameters.filter { task?.trains($0.name) ?? true }
        func step(_ indices: [Int], share: BatchShare?) -> Trainer.StepResult {
            let batch = train.batch(indices)
            if objective.needsTeacher, teacherOutputs == nil, let teacher {
                // No cache: the teacher's forward pass on this very batch.
                let outputs = TeacherOutputs(teacher: teacher, input: batch.input)
                return distiller.step(batch, teacher: outputs, teacherIndices: Array(0..<indices.count), share: share)
            }
            return distiller.step(batch, teacher: teacherOutputs, teacherIndices: indices, share: share)
        }
        // Curriculum stages first, each over the training samples whose questions it names, with
        // a learning-rate schedule and optimizer of its own.
        let stages = recipe.distill.curriculum
        for (index, questions) in try stages.questions(keyPath: "distill.curriculum").enumerated() {
            let subset = (0..<train.count).filter { questions.asks(train.questionWords(at: $0)) }
            guard !subset.isEmpty else {
                throw PipelineError.invalidRecipe(key: "distill.curriculum[\(index)]", reason: "no training sample asks these questions")
            }
            let stagePhase = "\(phase)-stage\(index + 1)"
            var settings = recipe.distill.training
            settings.epochs = stages[index].epochs
            let trainer = Trainer(phase: stagePhase, parameters: parameters, settings: settings,
                                  seed: recipe.seed &+ 11 &+ seedOffset &+ UInt64(index + 1), sampleCount: subset.count,
                                  statePath: stateFile(stagePhase), fingerprint: fingerprint(stagePhase, train, test), progress: progress,
                                  replicas: replicas)
            records += try trainer.run(resume: resume, shouldStop: shouldStop,
                                       step: { step($0.map { subset[$0] }, share: trainer.batchShare) },
                                       evaluate: { Evaluation.accuracy(of: student, on: test) })
        }
        let trainer = Trainer(phase: phase, parameters: parameters,
                              settings: recipe.distill.training, seed: recipe.seed &+ 11 &+ seedOffset, sampleCount: train.count,
                              statePath: stateFile(phase), fingerprint: fingerprint(phase, train, test), progress: progress,
                              replicas: replicas)
        records += try trainer.run(resume: resume, shouldStop: shouldStop, step: { step($0, share: trainer.batchShare) },
                                   evaluate: { Evaluation.accuracy(of: student, on: test) })
        return (student, records)
    }

    func save(_ model: FusionModel, phase: String, file: String, accuracy: Double, stages: [StageRecord]? = nil) throws -> SavedModel {
        let url = output.appendingPathComponent(file)
        let metadata = metadata(model, accuracy: accuracy, stages: stages)
        try onRankZero(url) { try CheckpointFile.write(model: model, metadata: metadata, to: url) }
        progress.line(String(format: "%@: saved %@, test accuracy %.2f%%", phase, url.path, 100 * accuracy))
        return SavedModel(model: model, file: url, accuracy: accuracy, trained: true)
    }

    /// What every checkpoint this run writes records of where it came from.
    var provenance: Provenance { Provenance(command: commandLine, source: recipeFile, toolVersion: toolVersion) }

    func metadata(_ model: FusionModel, accuracy: Double, stages: [StageRecord]? = nil) -> CheckpointMetadata {
        var provenance = provenance
        provenance.stages = stages
        return CheckpointMetadata(config: model.config, provenance: provenance, metrics: ["accuracy": accuracy])
    }

    /// Accuracy per question kind (`ShapesGenerator.Kind` names), nil when `data` is not `shapes` data.
    func accuracyByKind(_ model: FusionModel, on data: MultimodalDataset) -> [String: Double]? {
        let predictions = Evaluation.predictions(logits: Evaluation.logits(of: model, on: data, batchSize: 128),
                                                 classes: model.config.numClasses)
        guard let rows = try? ShapesGenerator.Kind.accuracies(predictions: predictions, on: data) else { return nil }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.kind.rawValue, Double($0.correct) / Double($0.total)) })
    }

    /// Identity of a phase's run: recipe, phase and data; a resume state with another is refused.
    func fingerprint(_ phase: String, _ train: MultimodalDataset, _ test: MultimodalDataset) -> String {
        if dataFingerprint == nil {
            dataFingerprint = Fingerprint.dataset(train) + Fingerprint.dataset(test)
        }
        // The bench and cascade settings do not change what a training phase computes.
        var trainingRecipe = recipe
        trainingRecipe.bench = nil
        trainingRecipe.cascade = nil
        return Fingerprint.text([phase, trainingRecipe.normalizedJSON(), dataFingerprint!].joined(separator: "\n"))
    }

    /// Hash of the run's training and test data, computed once (the data are tens of megabytes).
    private var dataFingerprint: String?
    /// The `cascade` section's calibration data, read and checked with the other data before any work.
    var cascadeData: MultimodalDataset?
}
