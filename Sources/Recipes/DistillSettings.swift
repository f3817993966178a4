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
    /// Compute the teacher's outputs once into the offline cache instead of at every step (`cache_teacher`, default true).
    public var cacheTeacher: Bool

    public init(training: TrainingSettings, temperature: Float = 4, losses: LossWeights = LossWeights(),
                contrastiveTemperature: Float = 0.07, baseline: Bool = true, cacheTeacher: Bool = true) {
        self.training = training
        self.temperature = temperature
        self.losses = losses
        self.contrastiveTemperature = contrastiveTemperature
        self.baseline = baseline
        self.cacheTeacher = cacheTeacher
    }
}

extension DistillSettings {
    /// Reads the whole `distill` object.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let training = try TrainingSettings(reading: &reader)
        let defaults = DistillSettings(training: training)
        let temperature = try reader.number("temperature", .above(0), default: defaults.temperature)
        var losses = defaults.losses
        if var lossReader = try reader.optionalObject("losses") { losses = try LossWeights(reading: &lossReader) }
        self.init(training: training, temperature: temperature, losses: losses,
                  contrastiveTemperature: try reader.number("contrastive_temperature", .above(0),
                                                            default: defaults.contrastiveTemperature),
                  baseline: try reader.bool("baseline", default: defaults.baseline),
                  cacheTeacher: try reader.bool("cache_teacher", default: defaults.cacheTeacher))
        try reader.finish()
    }

    var json: JSONValue {
        .object(training.jsonMembers.merging([
            "temperature": .number(temperature), "losses": losses.json,
            "contrastive_temperature": .number(contrastiveTemperature),
            "baseline": .bool(baseline), "cache_teacher": .bool(cacheTeacher),
        ]) { training, _ in training })
    }
}
