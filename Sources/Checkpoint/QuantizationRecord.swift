/// How an int8 checkpoint was quantized and what it cost; the JSON root attribute
/// `quantization` (keys in snake_case), informational: inference reads only the tensors.
public struct QuantizationRecord: Codable, Equatable, Sendable {
    /// `static` (one calibrated input scale per product) or `dynamic` (scales per row at run time).
    public var mode: String
    /// Calibration method (`minmax`, `percentile`, `mse`, `entropy`), static mode only.
    public var calibration: String?
    /// The percentile of |x| used by `percentile` calibration.
    public var percentile: Double?
    /// Calibration samples used.
    public var samples: Int?
    /// Weight products kept in float32 (by weight name), most harmful first.
    public var floatLayers: [String]
    /// Accuracy (fraction in [0, 1]) of the float32 source and of this model on `evaluatedOn`.
    public var accuracyFloat32: Double?
    public var accuracyInt8: Double?
    public var evaluatedOn: String?
    /// The largest accuracy drop allowed, in percentage points, and whether this model met it.
    public var maxDrop: Double?
    public var metTarget: Bool?

    public init(mode: String, calibration: String?, percentile: Double?, samples: Int?, floatLayers: [String],
                accuracyFloat32: Double?, accuracyInt8: Double?, evaluatedOn: String?, maxDrop: Double?, metTarget: Bool?) {
        self.mode = mode; self.calibration = calibration; self.percentile = percentile; self.samples = samples
        self.floatLayers = floatLayers; self.accuracyFloat32 = accuracyFloat32; self.accuracyInt8 = accuracyInt8
        self.evaluatedOn = evaluatedOn; self.maxDrop = maxDrop; self.metTarget = metTarget
    }

    enum CodingKeys: String, CodingKey {
        case mode, calibration, percentile, samples
        case floatLayers = "float_layers", accuracyFloat32 = "accuracy_float32", accuracyInt8 = "accuracy_int8"
        case evaluatedOn = "evaluated_on", maxDrop = "max_drop", metTarget = "met_target"
    }
}
