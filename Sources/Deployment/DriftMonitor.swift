import Checkpoint
import Evaluation
import Foundation
import Models
import TensorCore

/// What the drift monitor watches of a model on one data set, per sample.
public struct DriftProfile: Sendable {
    /// Cosine similarity between each sample's pooled image and text embeddings in the fusion
    /// space (the fusion's `visionGlobal` and `textGlobal`, which the contrastive loss aligns).
    public var similarity: [Float]
    public var certainty: Certainty
    /// The predicted answer of each sample.
    public var predictions: [Int]
    public var classes: Int

    /// The cross-modal consistency score: the mean similarity.
    public var consistency: Double { similarity.reduce(0) { $0 + Double($1) } / Double(max(similarity.count, 1)) }

    public static func measure(_ model: FusionModel, on data: MultimodalDataset, batchSize: Int = 128) -> DriftProfile {
        var similarity: [Float] = [], parts: [Certainty] = [], logits: [Float] = []
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let output = Tensor.withoutGradients { model(data.batch(start..<min(start + batchSize, data.count)).input) }
            let (v, t) = (output.fusion.visionGlobal, output.fusion.textGlobal)
            let width = v.shape[1]
            for b in 0..<v.shape[0] {
                let (a, c) = (v.storage[(b * width)..<((b + 1) * width)], t.storage[(b * width)..<((b + 1) * width)])
                let dot = zip(a, c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let norms = (a.reduce(0.0) { $0 + Double($1) * Double($1) } * c.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
                similarity.append(Float(norms > 0 ? dot / norms : 0))
            }
            parts.append(Certainty(output))
            logits += output.logits.storage
        }
        let classes = model.config.numClasses
        return DriftProfile(similarity: similarity, certainty: .concatenated(parts),
                            predictions: Evaluation.predictions(logits: logits, classes: classes), classes: classes)
    }
}

/// One watched signal: its value on the reference and on the new data, and whether it alarmed.
public struct DriftSignal: Sendable, Equatable {
    public var name: String
    public var reference: Double
    public var value: Double
    /// The relative fall (consistency) or the population stability index (distributions).
    public var change: Double
    public var threshold: Double
    public var alarm: Bool
}

/// Compares new data with a reference. Alarms when the cross-modal consistency falls by at least
/// `drop` of its reference value, or when the population stability index of a distribution
/// (answer confidence, either modality certainty, predicted answers) reaches `psiThreshold`.
public struct DriftMonitor: Sendable {
    /// Relative fall of the consistency score that alarms (the essay's 15%).
    public var drop: Double
    /// PSI = Σ (q − p) ln(q / p) over bins; the usual lines are 0.1 (a moderate shift) and 0.25 (significant).
    public var psiThreshold: Double
    /// Bins of a continuous signal: the reference's deciles.
    public static let bins = 10

    public init(drop: Double = 0.15, psiThreshold: Double = 0.1) {
        self.drop = drop
        self.psiThreshold = psiThreshold
    }

    public func compare(reference: DriftProfile, data: DriftProfile) -> [DriftSignal] {
        let (r, n) = (reference.consistency, data.consistency)
        let fall = (r - n) / max(abs(r), 1e-12)
        var signals = [DriftSignal(name: "consistency", reference: r, value: n, change: fall, threshold: drop, alarm: fall >= drop)]
        for (name, p, q) in [("confidence", reference.certainty.confidence, data.certainty.confidence),
                             ("vision_certainty", reference.certainty.vision, data.certainty.vision),
                             ("text_certainty", reference.certainty.text, data.certainty.text)] {
            let psi = Self.psi(reference: p, data: q)
            signals.append(DriftSignal(name: name, reference: Self.mean(p), value: Self.mean(q), change: psi, threshold: psiThreshold,
                                       alarm: psi >= psiThreshold))
        }
        let answers = Self.psi(counts: Self.histogram(reference.predictions, classes: reference.classes),
                               Self.histogram(data.predictions, classes: data.classes))
        signals.append(DriftSignal(name: "answers", reference: Double(reference.classes), value: Double(data.classes), change: answers,
                                   threshold: psiThreshold, alarm: answers >= psiThreshold))
        return signals
    }

    static func mean(_ values: [Float]) -> Double { values.reduce(0) { $0 + Double($1) } / Double(max(values.count, 1)) }

    static func histogram(_ values: [Int], classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for value in values where (0..<classes).contains(value) { counts[value] += 1 }
        return counts
    }

    /// PSI of `data` against `reference`, binned at the reference's deciles (ties share a bin).
    static func psi(reference: [Float], data: [Float]) -> Double {
        let sorted = reference.sorted()
        let edges = (1..<bins).map { sorted[min(sorted.count - 1, $0 * sorted.count / bins)] }
        func bin(_ value: Float) -> Int { edges.firstIndex { value < $0 } ?? bins - 1 }
        var p = [Int](repeating: 0, count: bins), q = p
        for value in reference { p[bin(value)] += 1 }
        for value in data { q[bin(value)] += 1 }
        return psi(counts: p, q)
    }

    /// PSI of count vectors, each bin's share floored at 1e-4 so that an empty bin stays finite.
    static func psi(counts p: [Int], _ q: [Int]) -> Double {
        let (pTotal, qTotal) = (Double(max(p.reduce(0, +), 1)), Double(max(q.reduce(0, +), 1)))
        return zip(p, q).reduce(0) { total, pair in
            let (a, b) = (max(Double(pair.0) / pTotal, 1e-4), max(Double(pair.1) / qTotal, 1e-4))
            return total + (b - a) * Foundation.log(b / a)
        }
    }
}
