import HDF5
import Models
import TensorCore

/// How an int8 checkpoint stores a quantized weight product whose weight parameter is `P`
/// (`vision.layers.0.linear1.weight`, `fusion.cross_attn.in_proj_weight`):
/// - `P`: int8 [out, in], symmetric codes;
/// - `P_scale`: float32 [out], one scale per output channel (W ≈ P · P_scale[o]);
/// - static activation quantization only: `I_scale` float32 [1] and `I_zero_point` int32 [1],
///   with `I` = `P` with its trailing `weight` replaced by `input` (`linear1.input_scale`,
///   `in_proj_input_scale`): the input x ≈ I_scale · (q − I_zero_point), q in 0…127.
/// A weight product kept in float32 stores `P` as float32 and none of the others.
enum Int8Storage {
    static func weightScaleName(_ weight: String) -> String { weight + "_scale" }
    static func inputName(_ weight: String, _ suffix: String) -> String {
        String(weight.dropLast("weight".count)) + "input_" + suffix
    }

    /// The datasets besides `weight` that a quantized product may store.
    static func companionNames(_ weight: String) -> [String] {
        [weightScaleName(weight), inputName(weight, "scale"), inputName(weight, "zero_point")]
    }

    static func write(_ int8: Int8Linear, named weight: String, into model: HDF5Group) throws(HDF5Error) {
        let q = int8.weights
        try model.createDataset(CheckpointLayout.datasetPath(forName: weight), values: q.values, shape: [q.outputs, q.inputs])
        try model.createDataset(CheckpointLayout.datasetPath(forName: weightScaleName(weight)), values: q.scales, shape: [q.outputs])
        if let input = int8.input {
            try model.createDataset(CheckpointLayout.datasetPath(forName: inputName(weight, "scale")), values: [input.scale], shape: [1])
            try model.createDataset(CheckpointLayout.datasetPath(forName: inputName(weight, "zero_point")),
                                    values: [input.zeroPoint], shape: [1])
        }
    }

    /// Reads the quantized product stored under `weight` ([out, in] = `shape`), or nil when that
    /// weight is stored in float32. Checks every companion's type, shape and value range.
    static func read(named weight: String, shape: [Int], stored: Set<String>,
                     from model: HDF5Group) throws(CheckpointError) -> Int8Linear? {
        let file = model.filePath
        let path = CheckpointLayout.datasetPath(forName: weight)
        let type = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try model.openDataset(path).elementType }
        guard type == .int8 else { return nil }
        func readValues<Element: HDF5Element>(_ name: String, _ element: Element.Type,
                                              _ shape: [Int]) throws(CheckpointError) -> [Element] {
            let dataset = try CheckpointPrecision.openChecked(name, type: Element.elementType, shape: shape, in: model)
            return try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Element.self) }
        }
        let values = try readValues(weight, Int8.self, shape)
        let scales = try readValues(weightScaleName(weight), Float.self, [shape[0]])
        if let bad = scales.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw .invalidDataset(file: file, name: weightScaleName(weight), reason: "scales must be positive and finite, found \(bad)")
        }
        let (scaleName, zeroName) = (inputName(weight, "scale"), inputName(weight, "zero_point"))
        var input: ActivationQuantization?
        switch (stored.contains(scaleName), stored.contains(zeroName)) {
        case (false, false): input = nil
        case (true, false): throw .missingTensor(file: file, name: zeroName)
        case (false, true): throw .missingTensor(file: file, name: scaleName)
        case (true, true):
            let scale = try readValues(scaleName, Float.self, [1])[0]
            let zeroPoint = try readValues(zeroName, Int32.self, [1])[0]
            guard scale > 0 && scale.isFinite else {
                throw .invalidDataset(file: file, name: scaleName, reason: "expected a positive finite scale, found \(scale)")
            }
            guard (0...ActivationQuantization.maximumCode).contains(zeroPoint) else {
                throw .invalidDataset(file: file, name: zeroName, reason: "expected a zero point in 0...127, found \(zeroPoint)")
            }
            input = ActivationQuantization(scale: scale, zeroPoint: zeroPoint)
        }
        return Int8Linear(weights: Int8Weights(values: values, scales: scales, outputs: shape[0], inputs: shape[1]), input: input)
    }
}
