import Checkpoint
import Models
import Synchronization
import TensorCore

/// Records the inputs of every weight product while a float model runs on calibration samples.
public enum Calibration {
    /// Histograms of each quantizable layer's inputs (by weight name) over the first `samples`
    /// samples of `data`: one pass for the ranges, one for the histograms.
    public static func histograms(of model: FusionModel, on data: MultimodalDataset, samples: Int,
                                  batchSize: Int = 64) -> [String: ActivationHistogram] {
        let layers = model.quantizableLayers
        let count = min(samples, data.count)
        func run() {
            for start in stride(from: 0, to: count, by: batchSize) {
                _ = model.predict(data.batch(start..<min(start + batchSize, count)).input)
            }
        }
        defer { for (_, layer) in layers { layer.inputObserver = nil } }

        let ranges = Mutex<[String: (minimum: Float, maximum: Float)]>([:])
        for (name, layer) in layers {
            layer.inputObserver = { x in
                let (low, high) = x.storage.withUnsafeBufferPointer(VectorMath.minimumAndMaximum)
                ranges.withLock { all in
                    let old = all[name] ?? (low, high)
                    all[name] = (min(old.minimum, low), max(old.maximum, high))
                }
            }
        }
        run()

        let found = ranges.withLock { $0 }
        let histograms = Mutex(found.mapValues { ActivationHistogram(minimum: $0.minimum, maximum: $0.maximum) })
        for (name, layer) in layers {
            layer.inputObserver = { x in
                x.storage.withUnsafeBufferPointer { values in histograms.withLock { $0[name]?.add(values) } }
            }
        }
        run()
        return histograms.withLock { $0 }
    }
}
