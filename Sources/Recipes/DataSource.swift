/// Where a split's samples come from: `{"generator": "shapes", "count": N, "seed": S}` or `{"path": "file.h5"}`.
public enum DataSource: Sendable, Equatable {
    /// `count` samples of a built-in generator; the same seed gives the same samples.
    case generator(name: String, count: Int, seed: UInt64)
    /// A dataset file (docs/dataset-format.md), relative to the current directory.
    case file(path: String)

    /// Names `generator` accepts.
    public static let generatorNames = ["shapes"]
}

/// The `data` section: the split to learn from and the split to evaluate on.
public struct DataSplits: Sendable, Equatable {
    public var train: DataSource
    public var test: DataSource

    public init(train: DataSource, test: DataSource) {
        self.train = train
        self.test = test
    }
}

extension DataSource {
    private static let forms = #"either {"generator", "count", "seed"} or {"path"}"#

    /// Reads a whole data source object; a value of neither form is reported as such.
    init(reading value: JSONValue, keyPath: String, file: String) throws(RecipeError) {
        var reader = try JSONObjectReader(value, keyPath: keyPath, file: file, expected: Self.forms)
        let isFile = reader.contains("path")
        let isGenerated = ["generator", "count", "seed"].contains { reader.contains($0) }
        guard isFile != isGenerated else { throw reader.error(nil, "expected \(Self.forms)") }
        if isFile {
            self = .file(path: try reader.string("path"))
        } else {
            let name = try reader.string("generator")
            guard Self.generatorNames.contains(name) else {
                let known = Self.generatorNames.map { "\"\($0)\"" }.joined(separator: ", ")
                throw reader.error("generator", "unknown generator \"\(name)\" (known: \(known))")
            }
            self = .generator(name: name, count: try reader.integer("count", minimum: 1),
                              seed: try reader.integer("seed", minimum: 0))
        }
        try reader.finish()
    }

    var json: JSONValue {
        switch self {
        case let .generator(name, count, seed): .object(["generator": .string(name), "count": .number(count), "seed": .number(seed)])
        case let .file(path): .object(["path": .string(path)])
        }
    }
}

extension DataSplits {
    /// Reads the whole `data` object. Fails if the test split is the training split (the same
    /// generator and seed, or the same file), as the test score would then measure memorisation.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        self.init(train: try DataSource(reading: try reader.required("train"), keyPath: reader.path("train"), file: reader.file),
                  test: try DataSource(reading: try reader.required("test"), keyPath: reader.path("test"), file: reader.file))
        try reader.finish()
        switch (train, test) {
        case let (.generator(trainName, _, trainSeed), .generator(testName, _, testSeed))
            where trainName == testName && trainSeed == testSeed:
            throw reader.error("test", "uses the same generator and seed as \(reader.path("train")), "
                + "so it would repeat the training samples")
        case let (.file(trainPath), .file(testPath)) where trainPath == testPath:
            throw reader.error("test", "is the same file as \(reader.path("train")), so it would repeat the training samples")
        default: break
        }
    }

    var json: JSONValue { .object(["train": train.json, "test": test.json]) }
}

extension DataSource {
    /// The source named by the `data` JSON of a checkpoint's training record (`{"generator",
    /// "count", "seed", …}` or `{"path", …}`; other keys such as a curriculum are ignored), or nil
    /// when the text names none.
    public init?(trainingRecordJSON text: String) {
        guard case let .object(fields)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        if case let .string(path)? = fields["path"] {
            self = .file(path: path)
        } else if case let .string(name)? = fields["generator"], Self.generatorNames.contains(name),
                  let count = fields["count"]?.exactInteger(Int.self), count >= 1, let seed = fields["seed"]?.exactInteger(UInt64.self) {
            self = .generator(name: name, count: count, seed: seed)
        } else {
            return nil
        }
    }
}
