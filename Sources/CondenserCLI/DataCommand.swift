import ArgumentParser
import Checkpoint
import Datasets
import Foundation
import Imaging

/// `condenser data`: make and look at dataset files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Generate and inspect multimodal dataset files.",
        subcommands: [Shapes.self, Inspect.self, Ablate.self])

    struct Shapes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate the built-in shapes visual-question task (deterministic for a seed).")

        @Option(help: "Number of samples.")
        var count: Int
        @Option(help: "Seed; the same seed gives the same samples on every machine.")
        var seed: UInt64 = 0
        @Option(help: "Dataset file to write (.h5).")
        var out: String
        @Option(help: """
            Shift the samples, to test a drift monitor: \(DataShift.allCases.map(\.rawValue).joined(separator: ", ")) \
            (docs/deployment.md).
            """)
        var shift: DataShift?
        @Flag(help: "Also write /captions: each scene described in words (\"a small red circle left of a large blue square\").")
        var captions = false
        @Flag(help: "Replace an existing file at --out.")
        var overwrite = false

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        }

        func run() throws {
            try checkOutput(URL(fileURLWithPath: out), inputs: [], overwrite: overwrite)
            var data = ShapesGenerator.generate(count: count, seed: seed, captions: captions)
            if let shift { data = shift.apply(to: data, seed: seed &+ 1) }
            try data.write(to: URL(fileURLWithPath: out))
            print("wrote \(out): \(count) samples, \(data.vocab.count) words, \(data.answers.count) answers"
                  + (captions ? ", captions" : "") + (shift.map { ", shifted by \($0.rawValue)" } ?? ""))
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a dataset's counts, answer distribution and example questions.")

        @Argument(help: "Dataset file (.h5).")
        var file: String
        @Option(help: "Example questions to print (and draw with --sheet).")
        var examples = 8
        @Option(help: "Also write a PNG contact sheet of the examples with their questions and answers.")
        var sheet: String?
        @Flag(help: "Replace an existing file at --sheet.")
        var overwrite = false

        func validate() throws {
            guard examples >= 0 else { throw ValidationError("--examples must be at least 0, got \(examples)") }
        }

        func run() throws {
            if let sheet { try checkOutput(URL(fileURLWithPath: sheet), inputs: [file], overwrite: overwrite) }
            let data = try MultimodalDataset.read(from: URL(fileURLWithPath: file))
            print(file)
            print("  samples     \(data.count)")
            print("  images      \(data.imageHeight)×\(data.imageWidth)×3 uint8")
            print("  questions   up to \(data.textLength) tokens, \(data.vocab.count) words")
            print("  answers     \(data.answers.count)")
            if let labels = data.labels {
                var counts = [Int](repeating: 0, count: data.answers.count)
                for label in labels { counts[Int(label)] += 1 }
                print("  answer distribution")
                for (answer, n) in zip(data.answers, counts) where n > 0 {
                    let share = Double(n) / Double(data.count)
                    print("    " + answer.padding(toLength: 10, withPad: " ", startingAt: 0)
                          + String(format: "%6d  %5.1f%%  ", n, 100 * share)
                          + String(repeating: "█", count: Int((share * 200).rounded())))
                }
            } else {
                print("  labels      none")
            }
            print("  examples")
            for index in 0..<min(examples, data.count) {
                print("    \(index): \(data.question(at: index))" + (data.labels.map { " → \(data.answers[Int($0[index])])" } ?? ""))
            }
            if let sheet {
                let png = ContactSheet.png(data, count: min(max(examples, 1), data.count))
                try writeFileAtomically(png, to: URL(fileURLWithPath: sheet))
                print("  sheet       \(sheet)")
            }
        }
    }
}

extension DataCommand {
    /// Which modality `ablate` removes.
    enum Modality: String, ExpressibleByArgument, CaseIterable {
        case images, text
    }

    struct Ablate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a dataset with one modality blanked (black images, or empty questions), for single-modality baselines.")

        @Argument(help: "Dataset file (.h5).")
        var file: String
        @Option(help: "Modality to blank: images or text.")
        var drop: Modality
        @Option(help: "Dataset file to write (.h5).")
        var out: String
        @Flag(help: "Replace an existing file at --out (never the input).")
        var overwrite = false

        func run() throws {
            try checkOutput(URL(fileURLWithPath: out), inputs: [file], overwrite: overwrite)
            let data = try MultimodalDataset.read(from: URL(fileURLWithPath: file))
            let blanked = try data.blanking(drop)
            try blanked.write(to: URL(fileURLWithPath: out))
            print("wrote \(out): \(data.count) samples with \(drop == .images ? "black images" : "empty questions")")
        }
    }
}

extension MultimodalDataset {
    /// The same samples with black images or all-padding questions.
    func blanking(_ modality: DataCommand.Modality) throws -> MultimodalDataset {
        try MultimodalDataset(images: modality == .images ? [UInt8](repeating: 0, count: images.count) : images,
                              count: count, imageHeight: imageHeight, imageWidth: imageWidth,
                              tokens: modality == .text ? [Int32](repeating: 0, count: tokens.count) : tokens,
                              textLength: textLength, labels: labels, vocab: vocab, answers: answers, source: source,
                              captions: modality == .images ? captions.map { [Int32](repeating: 0, count: $0.count) } : captions,
                              captionLength: captionLength)
    }

    /// The words of sample `index`'s question, padding left out.
    func question(at index: Int) -> String { questionWords(at: index).joined(separator: " ") }
}

extension DataShift: ExpressibleByArgument {}
