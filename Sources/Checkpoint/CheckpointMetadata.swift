import Models

/// Everything in a checkpoint besides the tensors; stored as root attributes (see
/// docs/checkpoint-format.md): `format`, `format_version`, `model_config`, `precision`,
/// `provenance` and optionally `metrics`, `pruning` and `quantization`.
public struct CheckpointMetadata: Equatable, Sendable {
    /// Value of the `format` root attribute.
    public static let formatName = "condenser-checkpoint"
    /// The `format_version` this build writes and reads.
    public static let formatVersion: Int64 = 1

    /// Architecture; decides every tensor's name and shape.
    public var config: ModelConfig
    /// How tensors are stored.
    public var precision: CheckpointPrecision
    public var provenance: Provenance
    /// Evaluation results (`{"accuracy": 0.91}`), if any.
    public var metrics: [String: Double]?
    /// What pruning removed, for pruned models.
    public var pruning: PruningRecord?
    /// How an int8 checkpoint was made, if it was.
    public var quantization: QuantizationRecord?

    public init(config: ModelConfig, precision: CheckpointPrecision = .float32, provenance: Provenance,
                metrics: [String: Double]? = nil, pruning: PruningRecord? = nil, quantization: QuantizationRecord? = nil) {
        self.config = config
        self.precision = precision
        self.provenance = provenance
        self.metrics = metrics
        self.pruning = pruning
        self.quantization = quantization
    }
}
