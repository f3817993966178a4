import ArgumentParser
import Distributed
import Foundation
import Logging
import Pipeline
import Recipes
import Training

/// Options of the commands that run a recipe.
struct RecipeOptions: ParsableArguments {
    @Argument(help: "Recipe (JSON; see docs/recipes.md).")
    var recipe: String
    @Flag(help: "Continue an interrupted run from its last saved state.")
    var resume = false
    @OptionGroup var runtime: RuntimeOptions

    /// Parses the recipe and runs `body` with a pipeline for it; Ctrl-C saves and stops. Under
    /// `mpirun` the pipeline trains over every rank, and `body` runs on rank 0 alone.
    func withPipeline(label: String, _ body: (DistillationPipeline) throws -> DistillationReport) throws -> DistillationReport? {
        let logger = Logger(label: label)
        let ranks = ProcessGroup.world
        runtime.apply(logger: logger)
        let parsed = try Recipe.load(from: URL(fileURLWithPath: recipe))
        Interruption.install()
        let pipeline = DistillationPipeline(recipe: parsed, recipeFile: recipe, resume: resume,
                                            // mpirun hands ranks a terminal of its own: plain lines, from rank 0 alone.
                                            progress: ProgressReporter(interactive: ranks.size == 1 && isatty(STDOUT_FILENO) == 1,
                                                                       quiet: ranks.rank != 0),
                                            toolVersion: Condenser.version, commandLine: commandLine)
        if ranks.size > 1 {
            pipeline.replicas = ranks
            pipeline.progress.line("data-parallel over \(ranks.size) ranks (mpirun); rank 0 writes the files")
        }
        do {
            let report = try body(pipeline)
            return ranks.rank == 0 ? report : nil
        } catch let error as TrainingError {
            switch error {
            case .interrupted where ranks.rank != 0:
                break  // rank 0 says it for every rank
            case let .interrupted(phase, statePath?):
                FileHandle.standardError.write(Data("\(phase): interrupted; state saved to \(statePath), continue with --resume\n".utf8))
            case .interrupted:
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            case let .stateMismatch(file, reason):
                throw CommandError.unusableInput(file: file, reason: "cannot resume: \(reason). Delete it, or run without --resume "
                                                 + "to start over.")
            default:
                throw error
            }
            throw ExitCode(130)  // the shell's convention for a run ended by SIGINT
        }
    }
}

/// `condenser distill`: the whole recipe.
struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Run a recipe: train or load the teacher, distill the student, train the scratch baseline, benchmark them.")

    @OptionGroup var options: RecipeOptions

    func run() throws {
        guard let report = try options.withPipeline(label: "condenser.distill", { try $0.run() }) else { return }
        print("")
        print(summary(report))
        if let bench = report.bench {
            print("")
            print(bench.terminalTable())
        }
    }
}

/// `condenser train`: only the teacher.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train (or load) only the recipe's teacher.")

    @OptionGroup var options: RecipeOptions

    func run() throws {
        guard let report = try options.withPipeline(label: "condenser.train", { try $0.run(teacherOnly: true) }) else { return }
        print(String(format: "teacher  %6.2f%%  %@", 100 * report.teacher.accuracy, report.teacher.checkpoint.path))
    }
}

/// The end-of-run table.
func summary(_ report: DistillationReport) -> String {
    func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
    var rows = [pad("model", 20) + pad("accuracy", 10) + pad("parameters", 12) + "checkpoint"]
    for (name, model) in [("teacher", report.teacher), ("student", report.student), ("student-scratch", report.studentScratch),
                          ("student-pruned", report.studentPruned)] {
        guard let model else { continue }
        rows.append(pad(name, 20) + pad(String(format: "%.2f%%", 100 * model.accuracy), 10) + pad(model.parameters.formatted(), 12)
                    + model.checkpoint.path)
    }
    if let int8 = report.studentInt8 {
        let note = int8.floatLayers.isEmpty ? "" : " (\(int8.floatLayers.count) layers kept in float32)"
        let name = int8.checkpoint.deletingPathExtension().lastPathComponent
        rows.append(pad(name, 20) + pad(String(format: "%.2f%%", 100 * int8.accuracy), 10)
                    + pad((report.studentPruned ?? report.student).map { $0.parameters.formatted() } ?? "", 12)
                    + int8.checkpoint.path + note)
    }
    if let cascade = report.cascade {
        let m = cascade.measurement
        rows.append(pad("cascade", 20) + pad(String(format: "%.2f%%", 100 * m.accuracy), 10) + pad("", 12) + cascade.checkpoint.path
                    + String(format: " (%@: %.2f%% to the teacher, mean batch-1 latency %.2f× the teacher's)", cascade.signal,
                             100 * m.teacherShare, m.latencyRatio))
    }
    if let retained = report.retained { rows.append(String(format: "student keeps %.1f%% of the teacher's accuracy", 100 * retained)) }
    if let gain = report.gainPoints { rows.append(String(format: "distillation gain over the scratch student: %+.2f points", gain)) }
    if let gain = report.meanGainPoints, let spread = report.scratchSpreadPoints {
        rows.append(String(format: "distillation gain over the mean of %d scratch students: %+.2f points "
                                 + "(their accuracies span %.2f points)",
                           report.scratchRuns.count, gain, spread))
    }
    return rows.joined(separator: "\n")
}
