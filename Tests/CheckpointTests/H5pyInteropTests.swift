import Checkpoint
import Foundation
import Models
import Testing
import TestSupport

/// h5py (through `h5py_interop.py`) is the independent reference: it reads what Swift writes,
/// and Swift reads what it writes. These tests fail, not skip, without Python and h5py.
@Suite struct H5pyInteropTests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    private struct Dump: Decodable {
        struct Attribute: Decodable {
            let type: String
            let value: AttributeValue
        }
        enum AttributeValue: Decodable, Equatable {
            case string(String), integer(Int64)
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let integer = try? container.decode(Int64.self) {
                    self = .integer(integer)
                } else {
                    self = .string(try container.decode(String.self))
                }
            }
        }
        struct Tensor: Decodable {
            let dtype: String
            let shape: [Int]
            let bits: [UInt32]
        }
        let attributes: [String: Attribute]
        let tensors: [String: Tensor]
    }

    @Test func h5pyReadsASwiftCheckpoint() throws {
        let url = folder.file("swift.h5")
        let model = try Fixtures.checkpoint(at: url, seed: 3)
        let dump = try JSONDecoder().decode(Dump.self, from: interop("dump-checkpoint", url.path))

        #expect(dump.attributes["format"]?.type == "str")
        #expect(dump.attributes["format"]?.value == .string("condenser-checkpoint"))
        #expect(dump.attributes["format_version"]?.type == "int64")
        #expect(dump.attributes["format_version"]?.value == .integer(1))
        #expect(dump.attributes["precision"]?.value == .string("float32"))
        #expect(dump.attributes["model_config"]?.value == .string(Fixtures.config.jsonString()))
        for name in ["model_config", "provenance", "metrics"] {
            #expect(dump.attributes[name]?.type == "str", "\(name) must read as str in h5py")
        }

        #expect(Set(dump.tensors.keys) == Set(model.namedParameters.map(\.name)))
        for (name, parameter) in model.namedParameters {
            let tensor = try #require(dump.tensors[name])
            #expect(tensor.dtype == "float32")
            #expect(tensor.shape == parameter.shape, "\(name)")
            #expect(tensor.bits == parameter.storage.map(\.bitPattern), "\(name)")
        }
    }

    /// The same layout written by h5py from a numpy state dict (as a PyTorch exporter would) loads.
    @Test func swiftLoadsAnH5pyCheckpoint() throws {
        let source = folder.file("swift.h5"), copy = folder.file("h5py.h5")
        let model = try Fixtures.checkpoint(at: source, seed: 5)
        _ = try interop("copy-checkpoint", source.path, copy.path)
        let (loaded, metadata) = try CheckpointFile.loadModel(from: copy)
        #expect(metadata == Fixtures.metadata())
        for ((name, mine), (_, theirs)) in zip(loaded.namedParameters, model.namedParameters) {
            #expect(mine.storage.map(\.bitPattern) == theirs.storage.map(\.bitPattern), "\(name)")
        }
    }

    /// `write-dataset` fills each array from a formula; the values are recomputed here.
    @Test func swiftReadsAnH5pyDataset() throws {
        let url = folder.file("questions.h5")
        _ = try interop("write-dataset", url.path)
        let dataset = try MultimodalDataset.read(from: url)
        let (n, h, w, length) = (5, 4, 6, 3)
        #expect(dataset.count == n && dataset.imageHeight == h && dataset.imageWidth == w && dataset.textLength == length)
        #expect(dataset.vocab == ["<pad>", "what", "colour", "is", "the", "café"])
        #expect(dataset.answers == ["red", "green", "blue", "naïve"])  // a fixed-length (numpy.bytes_) attribute

        var images: [UInt8] = []
        for sample in 0..<n { for row in 0..<h { for column in 0..<w { for channel in 0..<3 {
            images.append(UInt8((sample * 7 + row * 5 + column * 3 + channel) % 256))
        } } } }
        #expect(dataset.images == images)
        var tokens: [Int32] = []
        for sample in 0..<n { for position in 0..<length { tokens.append(position == 2 ? 0 : Int32((sample + position) % 6)) } }
        #expect(dataset.tokens == tokens)
        #expect(dataset.labels == (0..<n).map { Int32($0 % 4) })
    }
}
