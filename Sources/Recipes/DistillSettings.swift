import Distillation
import Training

/// The `distill` section: how the student learns from the teacher.
public struct DistillSettings: Sendable, Equatable {
    /// Optimisation of the student (the keys shared with `teacher.train`).
    public var training: TrainingSettings
    /// Softmax temperature T of the logit loss, > 0 (`temperature`, default 4).
    public var temperature: Float
    public var losses: LossWeights
    /// Temperature of the contrastive loss's similarity softmax, > 0 (`contrastive_temperature`, default 0.07).
    public var contrastiveTemperature: Float
    /// Also train an identical student from scratch on hard labels alone, for comparison (`baseline`, default true).
    public var baseline: Bool
    /// How many students are trained from scratch, >= 1 (`baseline_seeds`, default 1): the first from the
    /// distilled student's initial weights and data order, each further one from seeds of its own, so the
    /// report can set the distillation gain against the scratch runs' seed-to-seed spread.
    public var baselineSeeds: Int
    /// Compute the teacher's outputs once into the offline cache instead of at every step (`cache_teacher`, default true).
    public var cacheTeacher: Bool
    /// Stages before the whole task (`curriculum`, default none), each over the training samples whose
    /// questions it names; the scratch students follow the same stages.
    public var curriculum: [TeacherTrainingData.CurriculumStage]
    /// `distill.stages`: the stages of a staged run, the `task` (distillation, or labels alone for the
    /// scratch students, who follow the same stages) last; empty for a single schedule.
    public var stages: [TrainingStage]

    public init(training: TrainingSettings, temperature: Float = 4, losses: LossWeights = LossWeights(),
                contrastiveTemperature: Float = 0.07, baseline: Bool = true, baselineSeeds: Int = 1, cacheTeacher: Bool = true,
                curriculum: [TeacherTrainingData.CurriculumStage] = [], stages: [TrainingStage] = []) {
        self.training = training
        self.temperature = temperature
        self.losses = losses
        self.contrastiveTemperature = contrastiveTemperature
        self.baseline = baseline
        self.baselineSeeds = baselineSeeds
        self.cacheTeacher = cacheTeacher
        self.curriculum = curriculum
        self.stages = stages
    }
}

extension DistillSettings {
    /// Reads the whole `distill` object.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let curriculumValue = reader.contains("curriculum") ? try reader.required("curriculum") : nil
        let curriculum = try curriculumValue.map { (value) throws(RecipeError) in
            try TeacherTrainingData.CurriculumStage.list(reading: value, keyPath: reader.path("curriculum"), file: reader.file)
        } ?? []
        let schedule = try Schedule(reading: &reader)
        let training = schedule.training
        let defaults = DistillSettings(training: training)
        let temperature = try reader.number("temperature", .above(0), default: defaults.temperature)
        var losses = defaults.losses
        if var lossReader = try reader.optionalObject("losses") { losses = try LossWeights(reading: &lossReader) }
        let baseline = try reader.bool("baseline", default: defaults.baseline)
        let baselineSeeds = try reader.integer("baseline_seeds", minimum: 1, default: defaults.baselineSeeds)
        if baselineSeeds > 1 && !baseline {
            throw reader.error("baseline_seeds", "\(baselineSeeds) scratch students need \"baseline\": true")
        }
        self.init(training: training, temperature: temperature, losses: losses,
                  contrastiveTemperature: try reader.number("contrastive_temperature", .above(0),
                                                            default: defaults.contrastiveTemperature),
                  baseline: baseline, baselineSeeds: baselineSeeds,
                  cacheTeacher: try reader.bool("cache_teacher", default: defaults.cacheTeacher), curriculum: curriculum,
                  stages: schedule.stages)
        try reader.finish()
    }

    var json: JSONValue {
        .object(Schedule.jsonMembers(training: training, stages: stages).merging([
            "temperature": .number(temperature), "losses": losses.json,
            "contrastive_temperature": .number(contrastiveTemperature),
            "baseline": .bool(baseline), "baseline_seeds": .number(baselineSeeds), "cache_teacher": .bool(cacheTeacher),
        ].merging(curriculum.isEmpty ? [:] : ["curriculum": TeacherTrainingData.CurriculumStage.json(curriculum)]) { a, _ in a })
        { training, _ in training })
    }
}
