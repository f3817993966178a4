/// One stage of the staged run that made a checkpoint, kept in its provenance (`"stages": [...]`).
public struct StageRecord: Codable, Equatable, Sendable {
    /// `vision`, `text`, `align` or `task`.
    public var kind: String
    public var epochs: Int
    /// The parameter-name prefixes it kept frozen.
    public var frozen: [String]
    /// Wall time of its epochs, summed over resumed runs.
    public var seconds: Double
    /// Mean loss of its last epoch.
    public var finalLoss: Double

    public init(kind: String, epochs: Int, frozen: [String], seconds: Double, finalLoss: Double) {
        self.kind = kind
        self.epochs = epochs
        self.frozen = frozen
        self.seconds = seconds
        self.finalLoss = finalLoss
    }

    enum CodingKeys: String, CodingKey {
        case kind, epochs, frozen, seconds
        case finalLoss = "final_loss"
    }
}
