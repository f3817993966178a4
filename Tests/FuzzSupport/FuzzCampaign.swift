import Foundation
import TensorCore

/// Hostile inputs for every command that reads a user's file, and the three promises checked of
/// each: the command either works or stops with one clear `Error:` line and exit status 1; it is
/// never killed by a signal, never traps and never hangs; and it never allocates from an unchecked
/// size (each run has a 4 GiB address-space limit, so such an allocation fails and is caught).
///
/// Case `i` of seed `s` is always the same mutation and command, so a failure can be replayed.
public struct FuzzCampaign: Sendable {
    public let condenser: URL
    public let folder: URL
    /// Seconds before a run counts as hung and is killed.
    public let timeout: Double

    /// The valid files every case starts from, made by `prepare()` in `folder/seeds`.
    var seeds: URL { folder.appendingPathComponent("seeds") }
    func seed(_ name: String) -> URL { seeds.appendingPathComponent(name) }

    public init(condenser: URL, folder: URL, timeout: Double = 30) {
        self.condenser = condenser
        self.folder = folder
        self.timeout = timeout
    }

    /// What one case did and whether the promises held.
    public struct Outcome: Sendable {
        public let index: Int
        public let mutation: String
        public let arguments: [String]
        /// nil when the promises held, else what went wrong.
        public let failure: String?
        public let standardError: String
        /// Whether the command accepted the mutated input (exit status 0).
        public let accepted: Bool
    }

    /// A small model config: cases stay fast, and a 4 GiB limit is far above what it needs.
    static let modelConfig = #"{"image_size": 32, "patch_size": 8, "vision_dim": 16, "vision_depth": 1, "vision_heads": 2, "#
        + #""vocab_size": 64, "max_text_len": 16, "text_dim": 16, "text_depth": 1, "text_heads": 2, "fusion_dim": 16, "fusion_heads": 2, "#
        + #""num_classes": 32, "vision_coordinates": "sincos", "fusion_depth": 1, "head": "tokens", "head_hidden": 16}"#

    /// A recipe that trains a tiny teacher in about a second when a mutation leaves it valid.
    static func recipe(output: String) -> String {
        #"{"name": "fuzz", "seed": 1, "output": "\#(output)", "#
            + #""data": {"train": {"generator": "shapes", "count": 32, "seed": 1}, "#
            + #""test": {"generator": "shapes", "count": 16, "seed": 2}}, "#
            + #""teacher": {"checkpoint": "\#(output)/teacher.h5", "model": \#(modelConfig), "#
            + #""train": {"epochs": 1, "batch_size": 16, "lr": 1e-3, "weight_decay": 0.01, "warmup_steps": 1}}, "#
            + #""student": {"model": \#(modelConfig)}, "distill": {"epochs": 1, "batch_size": 16, "losses": {"hard": 1}}}"#
    }

    /// Makes the seed files with the command itself: a float32 and an int8 checkpoint, a dataset,
    /// a model config and a recipe.
    public func prepare() throws {
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        try Self.modelConfig.write(to: seed("model.json"), atomically: true, encoding: .utf8)
        // The cascade lives in a folder of its own, so that it records its members' absolute paths.
        try FileManager.default.createDirectory(at: seed("cascade"), withIntermediateDirectories: true)
        for arguments in [["init", "--model", seed("model.json").path, "--seed", "1", "--out", seed("model.h5").path, "--overwrite"],
                          ["init", "--model", seed("model.json").path, "--seed", "2", "--out", seed("model2.h5").path, "--overwrite"],
                          ["data", "shapes", "--count", "8", "--seed", "3", "--out", seed("data.h5").path, "--overwrite"],
                          ["data", "shapes", "--count", "8", "--seed", "3", "--captions", "--out", seed("data-captions.h5").path,
                           "--overwrite"],
                          ["quantize", seed("model.h5").path, "--data", seed("data.h5").path, "--samples", "8",
                           "--out", seed("model-int8.h5").path, "--overwrite"],
                          ["cascade", seed("model.h5").path, seed("model2.h5").path, "--data", seed("data.h5").path, "--retain", "1",
                           "--out", seed("cascade/cascade.json").path, "--overwrite"]] {
            let result = try run(arguments, in: seeds)
            guard result.failure == nil, result.status == 0 else {
                throw FuzzError("preparing the seeds: condenser \(arguments.joined(separator: " ")) failed: \(result.standardError)")
            }
        }
    }

    /// Runs case `index` of campaign `seed` in its own folder, removed afterwards unless it failed.
    public func runCase(_ index: Int, seed campaignSeed: UInt64) throws -> Outcome {
        var generator = RandomGenerator(seed: campaignSeed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index))
        let work = folder.appendingPathComponent("case-\(index)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // Every 19th case reads a deployment input; the others are drawn as before, so that the cases
        // kept as regressions still make the same inputs.
        let (mutation, arguments) = index % 19 == 18 ? try makeDeploymentCase(in: work, generator: &generator)
            : try makeCase(in: work, generator: &generator)
        let result = try run(arguments, in: work)
        if result.failure == nil { try? FileManager.default.removeItem(at: work) }
        return Outcome(index: index, mutation: mutation, arguments: arguments, failure: result.failure,
                       standardError: result.standardError, accepted: result.status == 0)
    }

    /// Writes the mutated input into `work` and picks the command that reads it.
    func makeCase(in work: URL, generator: inout RandomGenerator) throws -> (String, [String]) {
        let input = work.appendingPathComponent("input")
        let out = work.appendingPathComponent("out.h5").path
        let (model, data) = (seed("model.h5").path, seed("data.h5").path)
        let target = generator.integer(below: 20)
        switch target {
        case 0..<9:
            let int8 = target >= 7
            let source = seed(int8 ? "model-int8.h5" : "model.h5")
            let what = try FileMutation.mutate(try HDF5Image(reading: source), seedFile: source, into: input, generator: &generator)
            let x = input.path
            var commands = [["inspect", x], ["eval", x, "--data", data], ["predict", x, "--data", data, "--out", out],
                            ["bench", x, "--data", data, "--warmup", "0", "--iterations", "1", "--batch-sizes", "1"]]
            if !int8 {
                commands += [["quantize", x, "--mode", "dynamic", "--out", out],
                             ["quantize", x, "--data", data, "--samples", "4", "--out", out],
                             ["prune", x, "--data", data, "--heads", "0.5", "--samples", "4", "--out", out]]
            }
            return ("\(int8 ? "int8 " : "")checkpoint: \(what)", commands.randomElement(using: &generator)!)
        case 9..<15:
            let source = seed("data.h5")
            let what = try FileMutation.mutate(try HDF5Image(reading: source), seedFile: source, into: input, generator: &generator)
            let x = input.path
            let commands = [["data", "inspect", x], ["eval", model, "--data", x], ["predict", model, "--data", x, "--out", out],
                            ["quantize", model, "--data", x, "--samples", "4", "--out", out],
                            ["data", "ablate", x, "--drop", "text", "--out", out],
                            ["prune", model, "--data", x, "--heads", "0.5", "--samples", "4", "--out", out],
                            ["bench", model, "--data", x, "--warmup", "0", "--iterations", "1", "--batch-sizes", "1"]]
            return ("dataset: \(what)", commands.randomElement(using: &generator)!)
        case 15..<18:
            let (text, what) = JSONMutation.mutate(Self.recipe(output: work.appendingPathComponent("run").path), generator: &generator)
            try text.write(to: input, atomically: true, encoding: .utf8)
            return ("recipe: \(what)", ["train", input.path])
        default:
            let (text, what) = JSONMutation.mutate(Self.modelConfig, generator: &generator)
            try text.write(to: input, atomically: true, encoding: .utf8)
            return ("model config: \(what)", ["init", "--model", input.path, "--out", out])
        }
    }

    /// A mutated cascade.json for the commands that take one as a model, or a mutated dataset with
    /// captions for `monitor` and `cascade`.
    func makeDeploymentCase(in work: URL, generator: inout RandomGenerator) throws -> (String, [String]) {
        let (model, model2, data) = (seed("model.h5").path, seed("model2.h5").path, seed("data.h5").path)
        let out = work.appendingPathComponent("out").path
        switch generator.integer(below: 3) {
        case 0:
            let input = work.appendingPathComponent("input.json")
            let seedText = try String(contentsOf: seed("cascade/cascade.json"), encoding: .utf8)
            let (text, what) = JSONMutation.mutate(seedText, generator: &generator)
            try text.write(to: input, atomically: true, encoding: .utf8)
            let x = input.path
            let commands = [["eval", x, "--data", data], ["predict", x, "--data", data, "--out", out + ".h5"],
                            ["bench", x, "--data", data, "--warmup", "0", "--iterations", "1", "--batch-sizes", "1"]]
            return ("cascade: \(what)", commands.randomElement(using: &generator)!)
        default:
            let input = work.appendingPathComponent("input")
            // A dataset with captions, so that their reader is fuzzed too.
            let source = seed("data-captions.h5")
            let what = try FileMutation.mutate(try HDF5Image(reading: source), seedFile: source, into: input, generator: &generator)
            let commands = [["monitor", model, "--reference", data, "--data", input.path, "--out", out + ".json"],
                            ["cascade", model, model2, "--data", input.path, "--out", out + ".json"]]
            return ("dataset: \(what)", commands.randomElement(using: &generator)!)
        }
    }

    struct RunResult {
        let status: Int32
        let standardError: String
        let failure: String?
    }

    /// Runs condenser under a 4 GiB address-space limit and the timeout, then checks the promises.
    func run(_ arguments: [String], in directory: URL) throws -> RunResult {
        let errorFile = directory.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 4194304; exec \"$0\" \"$@\"", condenser.path] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        (environment["CONDENSER_BLAS_CORE"], environment["OPENBLAS_NUM_THREADS"]) = ("off", "1")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var hung = false
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                hung = true
                break
            }
            usleep(2000)
        }
        process.waitUntilExit()
        let standardError = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        let status = process.terminationStatus
        let failure: String?
        if hung {
            failure = "hung: killed after \(Int(timeout)) s"
        } else if process.terminationReason == .uncaughtSignal {
            failure = "killed by signal \(status)"
        } else if let marker = ["Fatal error", "HDF5-DIAG", "Stack dump", "failed to allocate", "Illegal instruction"]
            .first(where: standardError.contains) {
            failure = "stderr shows \"\(marker)\""
        } else if status == 0 || (status == 3 && arguments.first == "monitor") {   // 3: the monitor saw drift
            failure = nil
        } else if status != 1 {
            failure = "exit status \(status)"
        } else {
            let errors = standardError.split(separator: "\n").filter { $0.hasPrefix("Error: ") }
            failure = errors.count == 1 && standardError.split(separator: "\n").last!.hasPrefix("Error: ")
                ? nil : "expected one closing \"Error: \" line, stderr has \(errors.count)"
        }
        return RunResult(status: status, standardError: standardError, failure: failure)
    }
}

/// A campaign that cannot start (its seed files could not be made).
public struct FuzzError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
