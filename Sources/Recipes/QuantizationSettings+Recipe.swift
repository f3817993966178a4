import Models
import Quantization

extension QuantizationSettings {
    /// Reads the whole `quantize` object: int8 post-training quantization of the final student
    /// (the pruned one when the recipe prunes), calibrated on the training data and checked on the test data.
    init(reading reader: inout JSONObjectReader) throws(RecipeError) {
        let defaults = QuantizationSettings()
        let name = try reader.choice("calibration", default: defaults.calibration.name)
        let percentile = try reader.double("percentile", default: 99.99)
        self.init(mode: try reader.choice("mode", default: defaults.mode),
                  calibration: CalibrationMethod(name, percentile: percentile),
                  samples: try reader.integer("samples", default: defaults.samples),
                  maxDrop: reader.contains("max_drop") ? try reader.double("max_drop") : nil, batchSize: 128)
        try reader.finish()
        try reader.validate { () throws(SettingError) in
            try SettingError.check("samples", samples, atLeast: 1, atMost: 10_000_000)
            try validate()
        }
    }

    var json: JSONValue {
        var percentile = 99.99
        if case let .percentile(p) = calibration { percentile = p }
        var members: [String: JSONValue] = ["mode": .string(mode.rawValue), "calibration": .string(calibration.name.rawValue),
                                            "percentile": .number(percentile), "samples": .number(samples)]
        if let maxDrop { members["max_drop"] = .number(maxDrop) }
        return .object(members)
    }
}
