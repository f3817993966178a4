/// `teacher.train.data`: the teacher's own training samples, in place of `data.train`, and
/// whether every epoch draws new ones: `{"generator": "shapes", "count": 40000, "seed": 101,
/// "fresh_per_epoch": true}`. A generator makes samples for nothing, and a teacher that sees new
/// scenes each epoch does not overfit a fixed set (docs/shapes-task.md measures both).
public struct TeacherTrainingData: Sendable, Equatable {
    public var source: DataSource
    /// Each epoch draws `count` new samples from the generator (`epochSource(_:)`).
    public var freshPerEpoch: Bool

    public init(source: DataSource, freshPerEpoch: Bool = false) {
        self.source = source
        self.freshPerEpoch = freshPerEpoch
    }

    /// The samples of `epoch` (0-based): the source itself for epoch 0 or without fresh samples,
    /// else the generator's `count` samples of the seed seed + epoch · 0x9E37_79B9_7F4A_7C15.
    public func epochSource(_ epoch: Int) -> DataSource {
        guard freshPerEpoch, epoch > 0, case let .generator(name, count, seed) = source else { return source }
        return .generator(name: name, count: count, seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
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
        let source = try DataSource(reading: .object(members), keyPath: keyPath, file: file)
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
        self.init(source: source, freshPerEpoch: freshPerEpoch)
    }

    var json: JSONValue {
        guard freshPerEpoch, case var .object(members) = source.json else { return source.json }
        members["fresh_per_epoch"] = .bool(true)
        return .object(members)
    }
}
