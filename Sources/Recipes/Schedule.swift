import Training

/// A schedule as `teacher.train` and `distill` give it: one set of training keys, or `"stages"`,
/// a list of stages (each with its own `epochs`) inheriting the other keys and ending with the `task`.
struct Schedule {
    /// The task's settings: the object's own, or its `task` stage's.
    var training: TrainingSettings
    /// Empty for a single schedule.
    var stages: [TrainingStage]

    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        guard let value = reader.optional("stages") else {
            (training, stages) = (try TrainingSettings(reading: &reader), [])
            return
        }
        if reader.contains("epochs") {
            throw reader.error("epochs", "with \"stages\", each stage gives its own epochs (the task's in its \"task\" stage)")
        }
        let inherited = try TrainingSettings(reading: &reader, epochs: 1)
        stages = try TrainingStage.list(reading: value, inheriting: inherited, keyPath: reader.path("stages"), file: reader.file)
        training = stages.last!.settings
    }

    /// The members a schedule writes back, every default filled in: the training keys, or for a
    /// staged run the inherited keys and `stages`.
    static func jsonMembers(training: TrainingSettings, stages: [TrainingStage]) -> [String: JSONValue] {
        guard !stages.isEmpty else { return training.jsonMembers }
        var members = training.jsonMembers
        members["epochs"] = nil
        members["stages"] = .array(stages.map { stage in
            var members = stage.settings.jsonMembers
            members["kind"] = .string(stage.kind.rawValue)
            if !stage.frozen.isEmpty { members["freeze"] = .array(stage.frozen.map { .string($0) }) }
            if stage.kind == .vision || stage.kind == .text { members["mask_ratio"] = .number(stage.maskRatio) }
            if stage.kind == .align { members["temperature"] = .number(stage.temperature) }
            return .object(members)
        })
        return members
    }
}

extension TrainingStage {
    /// Reads a `stages` list: `[{"kind": "vision", "epochs": 4, "freeze": [...], "mask_ratio": 0.5}, …, {"kind": "task", …}]`.
    static func list(reading value: JSONValue, inheriting inherited: TrainingSettings, keyPath: String,
                     file: String) throws(RecipeError) -> [TrainingStage] {
        guard case let .array(values) = value, !values.isEmpty else {
            throw RecipeError(file: file, keyPath: keyPath, message: "expected a non-empty list of stages, got \(value.quoted)")
        }
        var stages: [TrainingStage] = []
        for (index, value) in values.enumerated() {
            var reader = try JSONObjectReader(value, keyPath: "\(keyPath)[\(index)]", file: file)
            let name = try reader.string("kind")
            guard let kind = Kind(rawValue: name) else {
                let known = Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw reader.error("kind", "unknown stage kind \"\(name)\" (known: \(known))")
            }
            let settings = try TrainingSettings(reading: &reader, inheriting: inherited)
            let frozen = reader.contains("freeze") ? try reader.strings("freeze") : []
            var stage = TrainingStage(kind: kind, settings: settings, frozen: frozen)
            if kind == .vision || kind == .text { stage.maskRatio = try reader.number("mask_ratio", default: stage.maskRatio) }
            if kind == .align { stage.temperature = try reader.number("temperature", default: stage.temperature) }
            try reader.validate(stage.validate)
            try reader.finish()
            stages.append(stage)
        }
        do { try stages.validateOrder() } catch {
            throw RecipeError(file: file, keyPath: keyPath + error.setting, message: error.reason)
        }
        return stages
    }
}
