import Deployment
import Models

/// The `cascade` section: after the final student exists, calibrate a cascade of it and the
/// teacher on held-out data and write `<output>/cascade.json` (docs/deployment.md).
/// `{"data": {"generator": "shapes", "count": 5000, "seed": 3}, "retain": 0.99, "signal": "auto"}`.
public struct CascadeSection: Sendable, Equatable {
    /// Held-out labelled calibration data: neither data.train nor data.test (`data`).
    public var data: DataSource
    public var settings: CascadeSettings

    public init(data: DataSource, settings: CascadeSettings = CascadeSettings()) {
        self.data = data
        self.settings = settings
    }
}

extension CascadeSection {
    /// Reads the whole `cascade` object; its data must not repeat `splits`' samples.
    init(reading reader: inout JSONObjectReader, splits: DataSplits) throws(RecipeError) {
        let data = try DataSource(reading: try reader.required("data"), keyPath: reader.path("data"), file: reader.file)
        for (name, split) in [("data.train", splits.train), ("data.test", splits.test)] where data.repeats(split) {
            throw reader.error("data", "repeats the samples of \(name); calibrate on held-out data")
        }
        let defaults = CascadeSettings()
        let signalName = try reader.optional("signal").map { value throws(RecipeError) -> String in
            guard case let .string(text) = value, text == "auto" || CascadeSignal(rawValue: text) != nil else {
                let known = (["auto"] + CascadeSignal.allCases.map(\.rawValue)).map { "\"\($0)\"" }.joined(separator: ", ")
                throw reader.error("signal", "expected one of \(known), got \(value.quoted)")
            }
            return text
        }
        self.init(data: data, settings: CascadeSettings(retain: try reader.double("retain", default: defaults.retain),
                                                         signal: signalName.flatMap(CascadeSignal.init(rawValue:))))
        try reader.finish()
        try reader.validate(settings.validate)
    }

    var json: JSONValue {
        .object(["data": data.json, "retain": .number(settings.retain), "signal": .string(settings.signal?.rawValue ?? "auto")])
    }
}

extension DataSource {
    /// Whether these are the same samples as `other`: one generator and seed, or one file.
    func repeats(_ other: DataSource) -> Bool {
        switch (self, other) {
        case let (.generator(name, _, seed), .generator(otherName, _, otherSeed)): name == otherName && seed == otherSeed
        case let (.file(path), .file(otherPath)): path == otherPath
        default: false
        }
    }
}
