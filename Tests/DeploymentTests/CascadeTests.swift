import Foundation
import Testing
import TestSupport
@testable import Deployment
@testable import Models
@testable import TensorCore

/// The cascade at run time: the student's logits where its score clears the threshold, the
/// teacher's (computed on those rows alone) where it does not; and its file round-trips.
@Suite struct CascadeTests {
    static let config = ModelConfig(imageSize: 8, patchSize: 4, visionDim: 8, visionDepth: 1, visionHeads: 2, vocabSize: 10,
                                    maxTextLen: 6, textDim: 8, textDepth: 1, textHeads: 2, fusionDim: 8, fusionHeads: 2,
                                    numClasses: 5)

    func cascade(threshold: Double, signal: CascadeSignal = .margin) -> Cascade {
        let definition = CascadeDefinition(
            student: "s.h5", teacher: "t.h5", signal: signal, threshold: threshold, combination: nil,
            calibration: .init(data: "c.h5", samples: 1, retain: 1, teacherShare: 0, accuracy: 0, studentAccuracy: 0,
                               teacherAccuracy: 0, signals: [:]))
        return Cascade(student: FusionModel(config: Self.config, seed: 1), teacher: FusionModel(config: Self.config, seed: 2),
                       definition: definition, studentFile: URL(fileURLWithPath: "s.h5"), teacherFile: URL(fileURLWithPath: "t.h5"))
    }

    @Test func escalatedRowsCarryTheTeachersLogits() {
        let input = randomInput(Self.config, batch: 6, length: 5, seed: 3)
        let probe = cascade(threshold: 0)
        let margins = Certainty(Tensor.withoutGradients { probe.student(input) }).margin
        let threshold = Double(margins.sorted()[3])   // escalates the three lowest margins
        let model = cascade(threshold: threshold)
        let (logits, escalated) = model.predict(input)
        #expect(escalated == margins.map { Double($0) < threshold } && escalated.filter { $0 }.count == 3)
        let studentLogits = model.student.predict(input), teacherLogits = model.teacher.predict(input)
        let classes = Self.config.numClasses
        for row in 0..<6 {
            let expected = escalated[row] ? teacherLogits : studentLogits
            for c in 0..<classes {
                #expect(abs(logits.storage[row * classes + c] - expected.storage[row * classes + c]) < 1e-4, "row \(row)")
            }
        }
        #expect(cascade(threshold: -1e30).predict(input).escalated.allSatisfy { !$0 })
        #expect(cascade(threshold: 1e30).predict(input).escalated.allSatisfy { $0 })
    }

    @Test func definitionRoundTripsAndBadFilesGiveOneLine() throws {
        let folder = try TemporaryDirectory()
        let url = folder.file("cascade.json")
        let definition = cascade(threshold: 0.25).definition
        try definition.jsonData().write(to: url)
        #expect(try CascadeDefinition.read(from: url) == definition)
        for (text, expected) in [("{}", "format: missing"), ("[1]", "not"), ("{\"format\": 3}", "format")] {
            try Data(text.utf8).write(to: url)
            #expect(throws: CascadeError.self) { try CascadeDefinition.read(from: url) }
            do { _ = try CascadeDefinition.read(from: url) } catch {
                #expect("\(error)".hasPrefix(url.path + ": ") && "\(error)".contains(expected) && !"\(error)".contains("\n"),
                        "\(error)")
            }
        }
    }
}
