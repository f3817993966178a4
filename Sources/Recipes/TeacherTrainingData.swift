/// `teacher.train.data`: the teacher's own training samples, in place of `data.train`, whether
/// every epoch draws new ones, and a curriculum: `{"generator": "shapes", "count": 40000,
/// "seed": 101, "fresh_per_epoch": true, "curriculum": [{"epochs": 2, "questions": ["relation"],
/// "relations": ["left", "above"]}, {"epochs": 2, "questions": ["relation"]}]}`. A generator makes
/// samples for nothing, and a teacher that sees new scenes each epoch does not overfit a fixed set;
/// a curriculum's stages come first, each asking only some kinds of question or relation words,
/// then the whole task (docs/shapes-task.md measures why).
public struct TeacherTrainingData: Sendable, Equatable {
    public var source: DataSource
    /// Each epoch draws `count` new samples from the generator (`epochSource(_:)`).
    public var freshPerEpoch: Bool
    /// Stages before the whole task, in order.
    public var curriculum: [CurriculumStage]

    /// `epochs` epochs whose questions are only of `questions` kinds (nil: all) and whose relation
    /// questions use only `relations` words (nil: all), as the generator spells them.
    public struct CurriculumStage: Sendable, Equatable {
        public var epochs: Int
        public var questions: [String]?
        public var relations: [String]?

        public init(epochs: Int, questions: [String]? = nil, relations: [String]? = nil) {
            self.epochs = epochs
            self.questions = questions
            self.relations = relations
        }
    }

    public init(source: DataSource, freshPerEpoch: Bool = false, curriculum: [CurriculumStage] = []) {
        self.source = source
        self.freshPerEpoch = freshPerEpoch
        self.curriculum = curriculum
    }

    /// The samples of `epoch` (0-based): the source itself for epoch 0 or without fresh samples,
    /// else the generator's `count` samples of the seed seed + epoch · 0x9E37_79B9_7F4A_7C15.
    public func epochSource(_ epoch: Int) -> DataSource {
        guard freshPerEpoch, epoch > 0, case let .generator(name, count, seed) = source else { return source }
        return .generator(name: name, count: count, seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Epochs of each learning-rate segment of a run of `epochs` epochs: one per stage, then the
    /// whole task (empty without a curriculum: one segment).
    public func scheduleSegments(epochs: Int) -> [Int] {
        guard !curriculum.isEmpty else { return [] }
        let staged = curriculum.reduce(0) { $0 + $1.epochs }
        return curriculum.map(\.epochs) + (epochs > staged ? [epochs - staged] : [])
    }

    /// The index of the curriculum stage `epoch` (0-based) falls in; nil once the stages are over (the whole task).
    public func stageIndex(epoch: Int) -> Int? {
        var end = 0
        for (index, stage) in curriculum.enumerated() {
            end += stage.epochs
            if epoch < end { return index }
        }
        return nil
    }
}

extension TeacherTrainingData {
    /// Reads the `data` object of `teacher.train`.
    init(reading value: JSONValue, keyPath: String, file: String) throws(RecipeError) {
        guard case var .object(members) = value else {
            self.init(source: try DataSource(reading: value, keyPath: keyPath, file: file))
            return
        }
        let fresh = members.removeValue(forKey: "fresh_per_epoch")
        let curriculumValue = members.removeValue(forKey: "curriculum")
        let source = try DataSource(reading: .object(members), keyPath: keyPath, file: file)
        var curriculum: [CurriculumStage] = []
        if let curriculumValue {
            guard case .generator = source else {
                throw RecipeError(file: file, keyPath: "\(keyPath).curriculum", message: "only a generator can follow a curriculum")
            }
            curriculum = try CurriculumStage.list(reading: curriculumValue, keyPath: "\(keyPath).curriculum", file: file)
        }
        var freshPerEpoch = false
        if let fresh {
            guard case let .bool(flag) = fresh else {
                throw RecipeError(file: file, keyPath: "\(keyPath).fresh_per_epoch", message: "expected true or false, got \(fresh.quoted)")
            }
            guard case .generator = source else {
                throw RecipeError(file: file, keyPath: "\(keyPath).fresh_per_epoch",
                                  message: "only a generator can draw fresh samples; a file holds a fixed set")
            }
            freshPerEpoch = flag
        }
        self.init(source: source, freshPerEpoch: freshPerEpoch, curriculum: curriculum)
    }

    var json: JSONValue {
        guard case var .object(members) = source.json else { return source.json }
        if freshPerEpoch { members["fresh_per_epoch"] = .bool(true) }
        if !curriculum.isEmpty { members["curriculum"] = CurriculumStage.json(curriculum) }
        return .object(members)
    }
}

extension TeacherTrainingData.CurriculumStage {
    /// Reads a non-empty list of stages `[{"epochs": N, "questions": [kinds], "relations": [words]}]`.
    static func list(reading value: JSONValue, keyPath: String, file: String) throws(RecipeError) -> [Self] {
        guard case let .array(stages) = value, !stages.isEmpty else {
            throw RecipeError(file: file, keyPath: keyPath, message: "expected a non-empty list of stages, got \(value.quoted)")
        }
        var list: [Self] = []
        for (index, value) in stages.enumerated() {
            var reader = try JSONObjectReader(value, keyPath: "\(keyPath)[\(index)]", file: file)
            let epochs = try reader.integer("epochs", minimum: 1)
            let questions = reader.contains("questions") ? try reader.strings("questions") : nil
            let relations = reader.contains("relations") ? try reader.strings("relations") : nil
            try reader.finish()
            list.append(Self(epochs: epochs, questions: questions, relations: relations))
        }
        return list
    }

    static func json(_ stages: [Self]) -> JSONValue {
        .array(stages.map { stage in
            var object: [String: JSONValue] = ["epochs": .number(stage.epochs)]
            object["questions"] = stage.questions.map { .array($0.map { .string($0) }) }
            object["relations"] = stage.relations.map { .array($0.map { .string($0) }) }
            return .object(object)
        })
    }
}
