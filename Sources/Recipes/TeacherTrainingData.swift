/// `teacher.train.data`: the teacher's own training samples, in place of `data.train`, whether
/// every epoch draws new ones, and a curriculum: `{"generator": "shapes", "count": 40000,
/// "seed": 101, "fresh_per_epoch": true, "curriculum": {"epochs": 4, "relations": ["left", "above"]}}`.
/// A generator makes samples for nothing, and a teacher that sees new scenes each epoch does not
/// overfit a fixed set; the curriculum's first epochs ask relation questions with fewer words
/// (docs/shapes-task.md measures why).
public struct TeacherTrainingData: Sendable, Equatable {
    public var source: DataSource
    /// Each epoch draws `count` new samples from the generator (`epochSource(_:)`).
    public var freshPerEpoch: Bool
    public var curriculum: RelationCurriculum?

    /// The first `epochs` epochs' relation questions use only `relations` (generator sources only).
    public struct RelationCurriculum: Sendable, Equatable {
        public var epochs: Int
        /// Relation words, as the generator spells them.
        public var relations: [String]

        public init(epochs: Int, relations: [String]) {
            self.epochs = epochs
            self.relations = relations
        }
    }

    public init(source: DataSource, freshPerEpoch: Bool = false, curriculum: RelationCurriculum? = nil) {
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

    /// The relation words of `epoch`'s questions; nil: every word.
    public func relations(epoch: Int) -> [String]? {
        curriculum.flatMap { epoch < $0.epochs ? $0.relations : nil }
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
        var curriculum: RelationCurriculum?
        if let curriculumValue {
            var reader = try JSONObjectReader(curriculumValue, keyPath: "\(keyPath).curriculum", file: file)
            guard case .generator = source else { throw reader.error(nil, "only a generator can follow a curriculum") }
            let relations = try reader.strings("relations")
            curriculum = RelationCurriculum(epochs: try reader.integer("epochs", minimum: 1), relations: relations)
            try reader.finish()
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
        if let curriculum {
            members["curriculum"] = .object(["epochs": .number(curriculum.epochs), "relations": .array(curriculum.relations.map { .string($0) })])
        }
        return .object(members)
    }
}
