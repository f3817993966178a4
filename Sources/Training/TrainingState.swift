import Checkpoint
import Foundation
import TensorCore

/// Where a training run is and what it has learnt: the file a resumed run starts from
/// (a `TensorArchive` of kind `condenser-training-state`).
///
/// Arrays: `parameters/<name>`, `adam_m/<name>`, `adam_v/<name>`. Attributes: `fingerprint`,
/// `position` (JSON: epoch, step in epoch, optimizer step, completed), `sums` and `records` (JSON).
struct TrainingState {
    static let kind = "condenser-training-state"

    /// Running totals of the current epoch.
    struct Sums: Codable {
        var loss = 0.0, correct = 0, seen = 0, seconds = 0.0
        var components: [String: Double] = [:]

        mutating func add(loss batchLoss: Double, components batchComponents: [String: Float], correct batchCorrect: Int, count: Int) {
            loss += batchLoss * Double(count)
            correct += batchCorrect
            seen += count
            for (name, value) in batchComponents { components[name, default: 0] += Double(value) * Double(count) }
        }

        var meanLoss: Double { loss / Double(max(seen, 1)) }
        var accuracy: Double { Double(correct) / Double(max(seen, 1)) }

        func record(phase: String, epoch: Int, testAccuracy: Double) -> EpochRecord {
            EpochRecord(phase: phase, epoch: epoch, trainLoss: meanLoss, trainAccuracy: accuracy, testAccuracy: testAccuracy,
                        components: components.mapValues { $0 / Double(max(seen, 1)) }, seconds: seconds,
                        samplesPerSecond: Double(seen) / max(seconds, 1e-9))
        }
    }

    struct Position: Codable {
        var epoch = 0, stepInEpoch = 0, optimizerStep = 0, completed = false
    }

    var fingerprint: String
    var epoch = 0
    var stepInEpoch = 0
    var completed = false
    var sums = Sums()
    var records: [EpochRecord] = []

    init(fingerprint: String) { self.fingerprint = fingerprint }

    func write(to url: URL, parameters: [(name: String, tensor: Tensor)], optimizer: AdamW) throws(CheckpointError) {
        var archive = TensorArchive(kind: Self.kind)
        for (index, (name, tensor)) in parameters.enumerated() {
            archive.arrays["parameters/\(name)"] = .init(shape: tensor.shape, values: tensor.storage)
            archive.arrays["adam_m/\(name)"] = .init(shape: tensor.shape, values: optimizer.firstMoments[index])
            archive.arrays["adam_v/\(name)"] = .init(shape: tensor.shape, values: optimizer.secondMoments[index])
        }
        let position = Position(epoch: epoch, stepInEpoch: stepInEpoch, optimizerStep: optimizer.step, completed: completed)
        archive.attributes = ["fingerprint": fingerprint, "position": Self.json(position), "sums": Self.json(sums),
                              "records": Self.json(records)]
        try archive.write(to: url)
    }

    /// Reads a state file into the parameters and optimizer, checking it belongs to this run.
    static func read(from url: URL, fingerprint: String, parameters: [(name: String, tensor: Tensor)],
                     optimizer: AdamW) throws(TrainingError) -> TrainingState {
        let archive: TensorArchive
        do { archive = try TensorArchive.read(from: url, kind: kind) } catch { throw .file(error) }
        guard archive.attributes["fingerprint"] == fingerprint else {
            throw .stateMismatch(file: url.path, reason: "it was saved by a run with other settings, models or data")
        }
        var firstMoments: [[Float]] = [], secondMoments: [[Float]] = []
        for (name, tensor) in parameters {
            guard let values = archive.arrays["parameters/\(name)"], let m = archive.arrays["adam_m/\(name)"],
                  let v = archive.arrays["adam_v/\(name)"], values.shape == tensor.shape, m.shape == tensor.shape, v.shape == tensor.shape
            else { throw .stateMismatch(file: url.path, reason: "tensor '\(name)' is missing or has another shape") }
            tensor.storage = values.values
            firstMoments.append(m.values)
            secondMoments.append(v.values)
        }
        guard let position: Position = decode(archive.attributes["position"]), let sums: Sums = decode(archive.attributes["sums"]),
              let records: [EpochRecord] = decode(archive.attributes["records"])
        else { throw .stateMismatch(file: url.path, reason: "its position attributes are unreadable") }
        optimizer.restore(step: position.optimizerStep, firstMoments: firstMoments, secondMoments: secondMoments)
        var state = TrainingState(fingerprint: fingerprint)
        (state.epoch, state.stepInEpoch, state.completed, state.sums, state.records) =
            (position.epoch, position.stepInEpoch, position.completed, sums, records)
        return state
    }

    /// The epoch records of a finished run saved at `url` by the run `fingerprint`, else nil.
    static func completedRecords(at url: URL, fingerprint: String) -> [EpochRecord]? {
        guard let archive = try? TensorArchive.read(from: url, kind: kind), archive.attributes["fingerprint"] == fingerprint,
              let position: Position = decode(archive.attributes["position"]), position.completed
        else { return nil }
        return decode(archive.attributes["records"])
    }

    private static func json<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    private static func decode<Value: Decodable>(_ text: String?) -> Value? {
        text.flatMap { try? JSONDecoder().decode(Value.self, from: Data($0.utf8)) }
    }
}
