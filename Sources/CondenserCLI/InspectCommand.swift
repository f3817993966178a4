import ArgumentParser
import Checkpoint
import Foundation
import Models

/// `condenser inspect`: what a checkpoint holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a checkpoint's config, size, tensors and provenance.")

    @Argument(help: "Checkpoint (.h5).")
    var checkpoint: String

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let (model, metadata) = try CheckpointFile.loadModel(from: url)
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let parameters = model.namedParameters
        let count = model.parameterCount
        print(checkpoint)
        print("  format      \(CheckpointMetadata.formatName) v\(CheckpointMetadata.formatVersion)")
        print("  precision   \(metadata.precision.rawValue)")
        print("  parameters  \(count.formatted()) (\(byteString(count * 4)) as float32)")
        print("  file        \(byteString(fileBytes))")
        print("  FLOPs       \(Double(metadata.config.forwardFLOPs()).formatted(.number.notation(.compactName))) per sample (forward)")
        print("  config      \(metadata.config.jsonString())")
        let p = metadata.provenance
        print("  provenance  \(p.command)")
        print("              source \(p.source), condenser \(p.toolVersion), \(p.time)")
        if let t = p.training {
            print(String(format: "  trained     %d epochs, %@ samples in %@ by %@, test accuracy %.2f%%", t.epochs, t.samples.formatted(),
                         Duration.seconds(t.seconds).formatted(.time(pattern: .hourMinuteSecond)), t.recipe, 100 * t.testAccuracy))
            print("              data \(t.data)")
            print("              test \(t.test)")
        }
        for (index, stage) in (p.stages ?? []).enumerated() {
            let frozen = stage.frozen.isEmpty ? "" : ", frozen " + stage.frozen.joined(separator: " ")
            let label = index == 0 ? "  stages      " : String(repeating: " ", count: 14)
            print(label + stage.kind.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(format: "%d epochs in %@, final loss %.4f%@", stage.epochs,
                         Duration.seconds(stage.seconds).formatted(.time(pattern: .hourMinuteSecond)), stage.finalLoss, frozen))
        }
        if let pruning = metadata.pruning {
            for line in pruningLines(config: metadata.config, record: pruning) { print(line) }
        }
        if let metrics = metadata.metrics, !metrics.isEmpty {
            print("  metrics     " + metrics.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let int8 = Dictionary(uniqueKeysWithValues: model.quantizableLayers.compactMap { named in
            named.layer.int8.map { (named.name, $0) }
        })
        if metadata.precision == .int8 {
            let q = metadata.quantization
            let scheme = "weights int8 per output channel (symmetric); inputs 7-bit codes with a zero point, "
                + (q?.mode == "dynamic" ? "scaled per row at run time" : "one calibrated scale per product")
            print("  int8        \(int8.count) of \(model.quantizableLayers.count) weight products; \(scheme)")
            if let q {
                var details = [q.mode]
                    + [q.calibration, q.percentile.map { "percentile \($0)" }, q.samples.map { "\($0) samples" }].compactMap { $0 }
                if let a = q.accuracyFloat32, let b = q.accuracyInt8 {
                    details.append(String(format: "accuracy %.4f → %.4f on %@", a, b, q.evaluatedOn ?? "?"))
                }
                if let drop = q.maxDrop { details.append("max drop \(drop) points " + (q.metTarget == true ? "met" : "NOT met")) }
                print("              " + details.joined(separator: ", "))
                if !q.floatLayers.isEmpty { print("              kept in float32: " + q.floatLayers.joined(separator: ", ")) }
            }
            print("              embeddings, LayerNorms, biases, softmax and GELU stay float32")
        }
        print("  tensors     \(parameters.count)")
        let width = parameters.map(\.name.count).max() ?? 0
        for (name, tensor) in parameters {
            let type = int8[name].map {
                " int8" + ($0.input == nil
                    ? " (dynamic input)"
                    : String(format: " (input scale %.4g, zero point %d)", $0.input!.scale, $0.input!.zeroPoint))
            } ?? ""
            print("    \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(tensor.shape)\(type)")
        }
    }
}

/// "1.5 MiB"-style size.
func byteString(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB"]
    var value = Double(bytes), unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}
