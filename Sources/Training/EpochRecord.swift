/// One epoch of one training phase, as written to `train-log.csv` and `distill.json`.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var phase: String
    public var epoch: Int
    /// Mean total loss over the epoch's steps (weighted by batch size).
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double
    /// Mean of each weighted loss term (`hard`, `logits`, …).
    public var components: [String: Double]
    public var seconds: Double
    public var samplesPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case phase, epoch, components, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy", testAccuracy = "test_accuracy"
        case samplesPerSecond = "samples_per_second"
    }
}
