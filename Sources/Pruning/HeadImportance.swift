import Checkpoint
import Models
import TensorCore
import Training

/// Head importance (Michel et al., 2019): with every head gate ξ at 1, the expected absolute
/// gradient E|∂L/∂ξ_h| of the cross-entropy loss over a calibration set, estimated per batch,
/// then normalised per layer so that layers compare with one another: divided by the layer's
/// root-mean-square (Michel et al. divide by the L2 norm; with layers of different head counts —
/// the fusion has more heads than the encoders — the L2 norm would rank every head of a wider
/// layer below those of a narrower one, so the norm is scaled by √H).
public enum HeadImportance {
    /// ∂L/∂ξ for every head of every attention site on one batch, L = mean cross-entropy against
    /// `labels`. Only the gates are differentiated; parameters are left untouched.
    /// → one [H] array per site, in `AttentionSite.all` order.
    public static func gateGradients(of model: FusionModel, input: ModelInput, labels: [Int32]) -> [[Float]] {
        let sites = AttentionSite.all(in: model)
        let parameters = model.parameters
        let flags = parameters.map(\.requiresGrad)
        for parameter in parameters { parameter.requiresGrad = false }
        for site in sites { site.attention.headGates = .filled([site.attention.headCount], with: 1, requiresGrad: true) }
        defer {
            for (parameter, flag) in zip(parameters, flags) { parameter.requiresGrad = flag }
            for site in sites { site.attention.headGates = .filled([site.attention.headCount], with: 1) }
        }
        let loss = crossEntropy(logits: model(input).logits, labels: labels)
        loss.backward()
        return sites.map { $0.attention.headGates.grad ?? [Float](repeating: 0, count: $0.attention.headCount) }
    }

    /// Normalised importance of every head: the first `samples` samples of `data` in batches of
    /// `batchSize`. → one [H] array per site, in `AttentionSite.all` order, each with root-mean-square 1
    /// (or all zeros when the layer's gradients all vanish).
    /// - Throws: `.unusableData` when `data` has no labels.
    public static func measure(model: FusionModel, data: MultimodalDataset, samples: Int,
                               batchSize: Int) throws(PruningError) -> [[Float]] {
        guard let labels = data.labels else {
            throw .unusableData(file: data.source, reason: "has no /labels dataset; head importance needs the loss, "
                + "so the calibration set must be labelled")
        }
        let count = min(samples, data.count)
        var sums: [[Float]]? = nil
        for start in stride(from: 0, to: count, by: batchSize) {
            let range = start..<min(start + batchSize, count)
            let gradients = gateGradients(of: model, input: data.batch(range).input, labels: Array(labels[range]))
            let absolute = gradients.map { $0.map(Swift.abs) }
            sums = sums.map { zip($0, absolute).map { zip($0, $1).map(+) } } ?? absolute
        }
        return (sums ?? []).map { layer in
            let rms = (layer.reduce(0) { $0 + $1 * $1 } / Float(layer.count)).squareRoot()
            return rms > 0 ? layer.map { $0 / rms } : layer
        }
    }

    /// Uniform random scores in [0, 1) with the same layout, for the random-pruning baseline.
    public static func random(model: FusionModel, seed: UInt64) -> [[Float]] {
        var generator = RandomGenerator(seed: seed)
        return AttentionSite.all(in: model).map { site in (0..<site.attention.headCount).map { _ in generator.nextUnit() } }
    }
}
