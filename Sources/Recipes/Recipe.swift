import Foundation
import Models
import Pruning
import Quantization

/// A distillation job as one JSON file: the data, the teacher (and how to train it), the student
/// and the distillation settings. `condenser distill recipe.json` runs it all; `condenser train
/// recipe.json` only the teacher. docs/recipes.md describes every key.
///
/// Parsing is strict and complete before anything runs: unknown keys, wrong types and values out
/// of range are all `RecipeError`s naming the key path.
public struct Recipe: Sendable, Equatable {
    /// Identifies the job in logs and provenance: non-empty, letters, digits, `.`, `_` and `-` only.
    public var name: String
    /// Seeds model initialisation and data shuffling (`seed`, default 0).
    public var seed: UInt64
    /// Folder for everything the job writes (checkpoints, logs, report).
    public var output: String
    public var data: DataSplits
    public var teacher: TeacherSection
    public var student: StudentSection
    public var distill: DistillSettings
    /// Pruning of the distilled student (`prune`, optional).
    public var prune: PruningSettings?
    /// int8 quantization of the final (pruned, if pruning) student (`quantize`, optional).
    public var quantize: QuantizationSettings?
    /// A student → teacher cascade of the final student (`cascade`, optional).
    public var cascade: CascadeSection?
    /// Benchmarking of the run's checkpoints at its end; nil when the recipe has no `bench` section.
    public var bench: BenchSection?

    /// Model config keys on which teacher and student must agree: both read the same samples
    /// and their answer distributions are compared class by class.
    static let sharedModelKeys: [(name: String, value: KeyPath<ModelConfig, Int> & Sendable)] = [
        ("image_size", \.imageSize), ("vocab_size", \.vocabSize), ("max_text_len", \.maxTextLen), ("num_classes", \.numClasses),
    ]

    public init(name: String, seed: UInt64 = 0, output: String, data: DataSplits, teacher: TeacherSection,
                student: StudentSection, distill: DistillSettings, prune: PruningSettings? = nil, quantize: QuantizationSettings? = nil,
                cascade: CascadeSection? = nil, bench: BenchSection? = nil) {
        self.name = name
        self.seed = seed
        self.output = output
        self.data = data
        self.teacher = teacher
        self.student = student
        self.distill = distill
        self.prune = prune
        self.quantize = quantize
        self.cascade = cascade
        self.bench = bench
    }

    /// Reads and validates the recipe at `url`. Errors name the file as given (`recipes/x.json`);
    /// model config paths inside are relative to the current directory.
    public static func load(from url: URL) throws(RecipeError) -> Recipe {
        let file = url.relativePath
        let json: Data
        do {
            json = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
            throw RecipeError(file: file, keyPath: "", message: "cannot read the recipe: \(reason)")
        }
        return try parse(json: json, file: file)
    }

    /// Parses and validates recipe JSON; `file` names it in errors. Model config paths are relative
    /// to the current directory.
    public static func parse(json: Data, file: String) throws(RecipeError) -> Recipe {
        try parse(json: json, file: file,
                  currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
    }

    /// `parse(json:file:)` with model config paths relative to `currentDirectory`.
    static func parse(json: Data, file: String, currentDirectory: URL) throws(RecipeError) -> Recipe {
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(json))
        } catch {
            throw RecipeError(file: file, keyPath: "", message: error.description)
        }
        var reader = try JSONObjectReader(document, keyPath: "", file: file, expected: "a JSON object at the top level")
        return try Recipe(reading: &reader, currentDirectory: currentDirectory)
    }

    /// The recipe with every default filled in and both models inline, keys sorted: what a run
    /// records in `distill.json` and checkpoint provenance. Parsing it gives this recipe back
    /// (with `modelSource` `"inline"`).
    public func normalizedJSON(pretty: Bool = false) -> String { json.serialized(pretty: pretty) }

    /// The teacher's training data as normalised JSON: `teacher.train.data`, or `data.train`.
    public var teacherTrainingDataJSON: String { (teacher.trainData?.json ?? data.train.json).serialized() }

    /// `data.test` as normalised JSON.
    public var testDataJSON: String { data.test.json.serialized() }
}

extension Recipe {
    /// Reads the whole document.
    init(reading reader: inout JSONObjectReader, currentDirectory: URL) throws(RecipeError) {
        let name = try reader.string("name")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard name.allSatisfy(allowed.contains) else {
            throw reader.error("name", "expected letters, digits, \".\", \"_\" and \"-\" only, got \(JSONValue.string(name).quoted)")
        }
        let seed = try reader.integer("seed", minimum: UInt64(0), default: 0)
        let output = try reader.string("output")
        var dataReader = try reader.object("data")
        let data = try DataSplits(reading: &dataReader)
        var teacherReader = try reader.object("teacher")
        let teacher = try TeacherSection(reading: &teacherReader, currentDirectory: currentDirectory)
        var studentReader = try reader.object("student")
        let student = try StudentSection(reading: &studentReader, currentDirectory: currentDirectory)
        var distillReader = try reader.object("distill")
        let distill = try DistillSettings(reading: &distillReader)
        let prune = try reader.optionalObject("prune").map { (pruneReader) throws(RecipeError) in
            var pruneReader = pruneReader
            return try PruningSettings(reading: &pruneReader, student: student.model, distill: distill.training)
        }
        var quantize: QuantizationSettings?
        if var quantizeReader = try reader.optionalObject("quantize") { quantize = try QuantizationSettings(reading: &quantizeReader) }
        var cascade: CascadeSection?
        if var cascadeReader = try reader.optionalObject("cascade") {
            cascade = try CascadeSection(reading: &cascadeReader, splits: data)
        }
        var bench: BenchSection?
        if var benchReader = try reader.optionalObject("bench") { bench = try BenchSection(reading: &benchReader) }
        try reader.finish()

        for (key, value) in Self.sharedModelKeys where student.model[keyPath: value] != teacher.model[keyPath: value] {
            throw reader.error("student.model.\(key)", "\(student.model[keyPath: value]) differs from teacher.model.\(key) "
                + "\(teacher.model[keyPath: value]); the student must read the same inputs and answer the same classes")
        }
        self.init(name: name, seed: seed, output: output, data: data, teacher: teacher, student: student, distill: distill,
                  prune: prune, quantize: quantize, cascade: cascade, bench: bench)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "seed": .number(seed), "output": .string(output),
                                            "data": data.json, "teacher": teacher.json, "student": student.json,
                                            "distill": distill.json]
        if let prune { members["prune"] = prune.json }
        if let quantize { members["quantize"] = quantize.json }
        if let cascade { members["cascade"] = cascade.json }
        if let bench { members["bench"] = bench.json }
        return .object(members)
    }
}
