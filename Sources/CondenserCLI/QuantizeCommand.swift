import ArgumentParser
import Checkpoint
import Foundation
import Logging
import Quantization
import Models

/// `condenser quantize`: int8 post-training quantization of a float32 checkpoint.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a float32 checkpoint to int8 (weights per channel, inputs calibrated or dynamic).")

    @Argument(help: "Float32 checkpoint (.h5).")
    var checkpoint: String
    @Option(help: """
        Calibration data (HDF5 dataset file); its first --samples samples set the input scales. Also the evaluation data \
        unless --eval-data is given. Default: the training data the checkpoint's provenance names, made again from its seed.
        """)
    var data: String?
    @Option(help: "Labelled data for the accuracy check and --max-drop (default: --data).")
    var evalData: String?
    @Option(help: "Calibration samples.")
    var samples: Int = 512
    @Option(help: "How static mode picks each input's range: \(CalibrationMethod.Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var calibration = CalibrationMethod.Name.percentile
    @Option(help: "Percentile of |x| for --calibration percentile, in (0, 100].")
    var percentile: Double = 99.99
    @Option(help: """
        static: one calibrated scale per input; dynamic: scales per row at run time. \
        Default: static when there is calibration data, else dynamic.
        """)
    var mode: QuantizationSettings.Mode?
    @Option(help: "Largest accuracy loss allowed (percentage points); the most harmful layers stay float32 until it holds.")
    var maxDrop: Double?
    @Option(help: "Output checkpoint (default: <name>-int8.h5 beside the input).")
    var out: String?
    @Flag(help: "Replace an existing file at the output path (never one of the inputs).")
    var overwrite = false
    @Option(help: "Samples per forward pass.")
    var batchSize: Int = 64
    @OptionGroup var runtime: RuntimeOptions

    /// The settings in `mode` (nil: the flag's value).
    func settings(mode: QuantizationSettings.Mode? = nil) -> QuantizationSettings {
        QuantizationSettings(mode: mode ?? self.mode ?? .static, calibration: CalibrationMethod(calibration, percentile: percentile),
                             samples: samples, maxDrop: maxDrop, batchSize: batchSize)
    }

    func validate() throws {
        try validateSettings { () throws(SettingError) in try settings().validate() }
        if maxDrop != nil && data == nil && evalData == nil {
            throw ValidationError("--max-drop needs labelled data: pass --data or --eval-data")
        }
    }

    func run() throws {
        let logger = Logger(label: "condenser.quantize")
        runtime.apply(logger: logger)
        let input = URL(fileURLWithPath: checkpoint)
        let output = out.map { URL(fileURLWithPath: $0) } ?? CheckpointQuantizer.defaultOutput(for: input)
        try checkOutput(output, inputs: [checkpoint] + [data, evalData].compactMap { $0 }, overwrite: overwrite)
        var calibrationData = try data.map { try MultimodalDataset.read(from: URL(fileURLWithPath: $0)).named($0) }
        if calibrationData == nil, mode != .dynamic {
            calibrationData = Self.provenanceCalibration(for: input, samples: samples)
            if let calibrationData {
                print("calibrating on \(calibrationData.source)")
            } else if mode == .static {
                throw CommandError.unusableInput(file: checkpoint, reason: "--mode static needs calibration data, and the checkpoint's "
                                                 + "provenance names no training data to make again: "
                                                 + "pass --data FILE, or use --mode dynamic")
            } else {
                print("no calibration data: quantizing dynamically (input scales per row at run time); "
                      + "pass --data FILE for static calibration")
            }
        }
        let mode = self.mode ?? (calibrationData == nil ? .dynamic : .static)
        let evaluationData = try evalData.map { try MultimodalDataset.read(from: URL(fileURLWithPath: $0)).named($0) }
            ?? calibrationData
        if let evaluationData, evaluationData.labels == nil, maxDrop != nil {
            throw CommandError.unusableInput(file: evaluationData.source, reason: "has no /labels dataset, so --max-drop cannot be checked")
        }
        let settings = settings(mode: mode)
        let provenance = Provenance(command: commandLine, source: checkpoint, toolVersion: Condenser.version)
        let (outcome, record) = try CheckpointQuantizer.run(
            input: input, output: output, settings: settings, calibration: calibrationData, evaluation: evaluationData,
            provenance: provenance, log: { logger.info("\($0)") })
        let sizes = [input, output].map { (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) ?? 0 }
        print("wrote \(output.path): int8 \(record.mode)\(record.calibration.map { " (\($0))" } ?? ""), "
              + "\(byteString(sizes[1])) "
              + "(\(String(format: "%.2f", Double(sizes[1]) / Double(max(sizes[0], 1))))× of \(byteString(sizes[0])))")
        if let float = outcome.floatAccuracy, let int8 = outcome.int8Accuracy {
            print(String(format: "accuracy float32 %.4f, int8 %.4f (%+.2f points) on %@", float, int8, (int8 - float) * 100,
                         evaluationData?.source ?? ""))
        }
        if !outcome.floatLayers.isEmpty {
            print("kept in float32 (most harmful first): " + outcome.floatLayers.joined(separator: ", "))
        }
        if let met = outcome.metTarget, let maxDrop {
            print(met ? "meets --max-drop \(maxDrop)"
                      : "does NOT meet --max-drop \(maxDrop) even with every layer in float32; wrote the best model found")
        }
    }
}

extension CalibrationMethod.Name: ExpressibleByArgument {}
extension QuantizationSettings.Mode: ExpressibleByArgument {}
