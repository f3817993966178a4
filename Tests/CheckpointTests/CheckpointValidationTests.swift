import Checkpoint
import Foundation
import HDF5
import Models
import Testing
import TestSupport

/// Each kind of bad checkpoint gives one error naming the file and, where there is one, the tensor.
@Suite struct CheckpointValidationTests {
    let folder: TemporaryDirectory
    let model = Fixtures.model()
    /// A parameter that tests remove, reshape or retype.
    let victim = "vision.layers.0.self_attn.in_proj_weight"
    init() throws { folder = try TemporaryDirectory() }

    /// Writes `raw` and returns the error reading it throws, checking that its description names the file.
    private func readError(_ raw: RawCheckpoint, _ name: String = #function) throws -> CheckpointError? {
        let url = folder.file(name.filter(\.isLetter) + ".h5")
        try raw.write(to: url)
        return readError(url)
    }

    private func readError(_ url: URL) -> CheckpointError? {
        let error = #expect(throws: CheckpointError.self) { try CheckpointFile.loadModel(from: url) }
        #expect(error?.description.hasPrefix(url.path + ": ") == true, "\(String(describing: error))")
        return error
    }

    @Test func theUntouchedRawCheckpointIsValid() throws {
        let url = folder.file("valid.h5")
        try RawCheckpoint(model: model).write(to: url)
        #expect(try CheckpointFile.read(from: url).tensors.count == model.namedParameters.count)
    }

    @Test func notHDF5() throws {
        let url = folder.file("random.h5")
        try Data((0..<2048).map { _ in UInt8.random(in: 0...255) }).write(to: url)
        #expect(readError(url) == .hdf5(.notHDF5(path: url.path)))
    }

    @Test func truncated() throws {
        let url = folder.file("half.h5")
        _ = try Fixtures.checkpoint(at: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        #expect(readError(url) == .hdf5(.truncated(path: url.path)))
    }

    @Test func missingFile() throws {
        let url = folder.file("absent.h5")
        #expect(readError(url) == .hdf5(.cannotOpen(path: url.path, reason: "no such file")))
    }

    @Test func missingTensor() throws {
        var raw = RawCheckpoint(model: model)
        raw.tensors[victim] = nil
        let error = try readError(raw)
        #expect(error == .missingTensor(file: folder.file("missingTensor.h5").path, name: victim))
        #expect(error?.description.contains("'\(victim)'") == true)
    }

    @Test func unexpectedTensor() throws {
        var raw = RawCheckpoint(model: model)
        raw.tensors["vision.layers.0.extra.weight"] = (.float32([1, 2]), [2])
        #expect(try readError(raw) == .unexpectedTensor(file: folder.file("unexpectedTensor.h5").path,
                                                         name: "vision.layers.0.extra.weight"))
    }

    @Test func wrongShape() throws {
        var raw = RawCheckpoint(model: model)
        let expected = try #require(raw.tensors[victim]?.shape)
        let cut = [expected[0] / 2] + expected.dropFirst()
        raw.tensors[victim] = (.float32([Float](repeating: 0, count: cut.reduce(1, *))), cut)
        let error = try readError(raw)
        let file = folder.file("wrongShape.h5").path
        #expect(error == .mismatchedShape(file: file, name: victim, expected: expected, actual: cut))
        #expect(error?.description == "\(file): tensor '\(victim)' has shape \(cut), expected \(expected)")
    }

    @Test func wrongDtype() throws {
        var raw = RawCheckpoint(model: model)
        let shape = try #require(raw.tensors[victim]?.shape)
        raw.tensors[victim] = (.float64([Double](repeating: 0.5, count: shape.reduce(1, *))), shape)
        let error = try readError(raw)
        #expect(error == .wrongDtype(file: folder.file("wrongDtype.h5").path, name: victim, expected: .float32, actual: .float64))
        #expect(error?.description.contains("float64") == true)
    }

    @Test func unknownFormatVersion() throws {
        var raw = RawCheckpoint(model: model)
        raw.integerAttributes["format_version"] = 2
        #expect(try readError(raw) == .unsupportedVersion(file: folder.file("unknownFormatVersion.h5").path, version: 2, supported: 1))
    }

    @Test func formatVersionOfTheWrongType() throws {
        var raw = RawCheckpoint(model: model)
        raw.integerAttributes["format_version"] = nil
        raw.stringAttributes["format_version"] = "1"
        #expect(try readError(raw) == .invalidAttribute(file: folder.file("formatVersionOfTheWrongType.h5").path,
                                                         name: "format_version", reason: "holds string, expected an integer"))
    }

    @Test func missingOrWrongFormat() throws {
        var raw = RawCheckpoint(model: model)
        raw.stringAttributes["format"] = nil
        #expect(try readError(raw, "missingFormat") == .notACheckpoint(file: folder.file("missingFormat.h5").path, found: nil))
        raw.stringAttributes["format"] = "keras"
        #expect(try readError(raw, "otherFormat") == .notACheckpoint(file: folder.file("otherFormat.h5").path, found: "keras"))
    }

    @Test func badModelConfig() throws {
        var raw = RawCheckpoint(model: model)
        raw.stringAttributes["model_config"] = "{not json"
        let notJSON = try readError(raw, "notJSON")
        guard case .invalidAttribute(_, "model_config", _) = notJSON else { Issue.record("\(String(describing: notJSON))"); return }

        raw.stringAttributes["model_config"] = #"{"image_size": 8}"#
        let incomplete = try readError(raw, "incomplete")
        #expect(incomplete == .invalidAttribute(file: folder.file("incomplete.h5").path, name: "model_config",
                                                reason: "\(ModelError.invalidConfig(key: "patch_size", reason: "missing"))"))
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteParameter(value: Float) throws {
        var raw = RawCheckpoint(model: model)
        let shape = try #require(raw.tensors[victim]?.shape)
        var values = [Float](repeating: 0.25, count: shape.reduce(1, *))
        values[7] = value
        raw.tensors[victim] = (.float32(values), shape)
        let error = try readError(raw, "nonFinite\(value)")
        guard case let .nonFiniteTensor(_, name, index, found) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == victim && index == 7 && (found.isNaN ? value.isNaN : found == value))
        #expect(error?.description.contains("'\(victim)'") == true)
    }

    /// Sizes far beyond the family are refused from the config alone; sizes within it but beyond what
    /// the file can hold are refused before the model is built (nothing is allocated from them).
    @Test(arguments: [("vision_dim", 1_000_000_000, "beyond the supported maximum"),
                      ("vocab_size", 1_000_000_000_000, "beyond the supported maximum"),
                      ("num_classes", 10_000_000_000, "beyond the supported maximum"),
                      ("vision_dim", 4096, "more than the file's")])
    func absurdDeclaredSize(key: String, value: Int, message: String) throws {
        var raw = RawCheckpoint(model: model)
        var config = try #require(JSONSerialization.jsonObject(with: Data(model.config.jsonString().utf8)) as? [String: Any])
        config[key] = value
        if key == "vision_dim" { config["vision_heads"] = 1 }
        raw.stringAttributes["model_config"] = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        let error = try readError(raw, "absurd\(key)\(value == 4096 ? "Fits" : "Huge")")
        guard case .invalidAttribute(_, "model_config", let reason) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains(message), "\(reason)")
    }

    @Test func unknownPrecisionAndBadProvenance() throws {
        var raw = RawCheckpoint(model: model)
        raw.stringAttributes["precision"] = "int4"
        guard case .invalidAttribute(_, "precision", let reason) = try readError(raw, "precision") else {
            Issue.record("expected an invalid precision"); return
        }
        #expect(reason.contains("int4"))

        raw = RawCheckpoint(model: model)
        raw.stringAttributes["provenance"] = #"{"command": "x"}"#
        guard case .invalidAttribute(_, "provenance", _) = try readError(raw, "provenance") else {
            Issue.record("expected an invalid provenance"); return
        }
    }
}
