import Checkpoint
import Models
import TensorCore
import Evaluation

/// What quantizing a model did and measured.
public struct QuantizationOutcome: Sendable {
    /// Accuracy (fraction) of the float32 model and of the result on the evaluation data, if labelled.
    public var floatAccuracy: Double?
    public var int8Accuracy: Double?
    /// Products kept in float32 to meet the accuracy target, most harmful first.
    public var floatLayers: [String]
    /// Whether the result meets `maxDrop` (nil when there was no target or no labels).
    public var metTarget: Bool?
    /// Each product's harm when quantized alone: mean squared logit change against the float model
    /// on the evaluation samples (measured only when the target was missed).
    public var harm: [(name: String, meanSquaredLogitChange: Double)]
}

/// int8 post-training quantization of a float model, in place: weights per output channel,
/// inputs static (calibrated) or dynamic, then, for an accuracy target, float32 fallback of the
/// most harmful products until the target is met.
public enum PostTrainingQuantization {
    /// Quantizes every weight product of `model`; `calibration` is needed for static mode,
    /// `evaluation` (with labels) for accuracies and the `maxDrop` target. `log` hears progress.
    public static func quantize(_ model: FusionModel, settings: QuantizationSettings,
                                calibration: MultimodalDataset?, evaluation: MultimodalDataset?,
                                log: (String) -> Void = { _ in }) -> QuantizationOutcome {
        let layers = model.quantizableLayers
        let labels = evaluation?.labels
        let classes = model.config.numClasses
        func logits() -> [Float]? { evaluation.map { Evaluation.logits(of: model, on: $0, batchSize: settings.batchSize) } }
        func accuracy(_ logits: [Float]?) -> Double? {
            guard let logits, let labels else { return nil }
            return Evaluation.accuracy(logits: logits, classes: classes, labels: labels)
        }

        let floatLogits = logits()
        let floatAccuracy = accuracy(floatLogits)
        var inputs: [String: ActivationQuantization] = [:]
        if settings.mode == .static {
            guard let calibration else { preconditionFailure("static quantization needs calibration data") }
            let method = settings.calibration
            log("calibrating \(layers.count) products on \(min(settings.samples, calibration.count)) samples (\(method.name.rawValue))")
            inputs = Calibration.histograms(of: model, on: calibration, samples: settings.samples, batchSize: settings.batchSize)
                .mapValues(method.quantization)
        }
        let int8 = layers.map { named in
            Int8Linear(weights: .quantizing(named.layer.weightMatrix), input: settings.mode == .dynamic ? nil : inputs[named.name])
        }
        for ((_, layer), q) in zip(layers, int8) { layer.int8 = q }
        var int8Accuracy = accuracy(logits())
        log("accuracy float32 \(percent(floatAccuracy)), int8 \(percent(int8Accuracy))")

        guard let maxDrop = settings.maxDrop, let floatAccuracy, let measured = int8Accuracy else {
            return QuantizationOutcome(floatAccuracy: floatAccuracy, int8Accuracy: int8Accuracy, floatLayers: [], metTarget: nil, harm: [])
        }
        func meets(_ accuracy: Double) -> Bool { (floatAccuracy - accuracy) * 100 <= maxDrop + 1e-9 }
        if meets(measured) {
            return QuantizationOutcome(floatAccuracy: floatAccuracy, int8Accuracy: measured, floatLayers: [], metTarget: true, harm: [])
        }

        // Harm of each product alone: quantize only it and compare logits with the float model's.
        log("drop \(String(format: "%.2f", (floatAccuracy - measured) * 100)) points > \(maxDrop): measuring each product's harm")
        for (_, layer) in layers { layer.int8 = nil }
        var harm: [(name: String, meanSquaredLogitChange: Double)] = []
        for ((name, layer), q) in zip(layers, int8) {
            layer.int8 = q
            harm.append((name, meanSquaredDifference(logits()!, floatLogits!)))
            layer.int8 = nil
        }
        harm.sort { $0.meanSquaredLogitChange > $1.meanSquaredLogitChange }
        for ((_, layer), q) in zip(layers, int8) { layer.int8 = q }

        // Keep the most harmful in float32, one at a time, until the target is met.
        let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0.layer) })
        var floatLayers: [String] = []
        for (name, _) in harm {
            byName[name]!.int8 = nil
            floatLayers.append(name)
            int8Accuracy = accuracy(logits())
            log("kept \(name) in float32: int8 accuracy \(percent(int8Accuracy))")
            if meets(int8Accuracy!) { break }
        }
        return QuantizationOutcome(floatAccuracy: floatAccuracy, int8Accuracy: int8Accuracy, floatLayers: floatLayers,
                                   metTarget: meets(int8Accuracy!), harm: harm)
    }

    static func meanSquaredDifference(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(max(a.count, 1))
    }

    static func percent(_ accuracy: Double?) -> String {
        accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    }
}
