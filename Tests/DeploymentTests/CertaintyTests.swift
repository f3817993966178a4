import Foundation
import Testing
import TestSupport
@testable import Deployment
@testable import TensorCore

/// The certainty signals against NumPy (certainty_reference.py), on random states and logits.
@Suite struct CertaintyTests {
    @Test func signalsMatchNumPy() throws {
        var generator = RandomGenerator(seed: 7)
        let vision = Tensor.normal([3, 5, 4], standardDeviation: 1.5, generator: &generator)
        let text = Tensor.normal([3, 6, 4], standardDeviation: 2, generator: &generator)
        let logits = Tensor.normal([3, 7], standardDeviation: 3, generator: &generator)
        func nested(_ t: Tensor) -> Any {
            func build(_ offset: Int, _ dims: ArraySlice<Int>) -> Any {
                guard let first = dims.first else { return Double(t.storage[offset]) }
                let stride = dims.dropFirst().reduce(1, *)
                return (0..<first).map { build(offset + $0 * stride, dims.dropFirst()) }
            }
            return build(0, t.shape[...])
        }
        let folder = try TemporaryDirectory()
        let input = folder.file("signals.json")
        try JSONSerialization.data(withJSONObject: ["vision": nested(vision), "text": nested(text), "logits": nested(logits)])
            .write(to: input)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("certainty_reference.py")
        let output = try Python.run(script: script, [input.path])
        let reference = try #require(try JSONSerialization.jsonObject(with: output) as? [String: [Double]])

        let answer = Certainty.answer(logits: logits)
        let swift: [String: [Float]] = ["vision": Certainty.vision(states: vision), "text": Certainty.text(states: text),
                                        "confidence": answer.confidence, "margin": answer.margin, "entropy": answer.entropy]
        for (name, values) in swift {
            let expected = try #require(reference[name], "\(name)")
            #expect(values.count == 3)
            for (a, b) in zip(values, expected) { #expect(abs(Double(a) - b) < 1e-5, "\(name): \(a) against NumPy \(b)") }
        }
    }
}
