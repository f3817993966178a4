import Foundation
import Testing
@testable import Datasets
@testable import Deployment

/// The monitor's population stability index against a hand computation, and the shifts' promises.
@Suite struct DriftMonitorTests {
    @Test func psiMatchesTheFormula() {
        // p = (0.5, 0.5), q = (0.25, 0.75): (0.25 − 0.5)·ln(0.5) + (0.75 − 0.5)·ln(1.5).
        let expected = -0.25 * log(0.5) + 0.25 * log(1.5)
        #expect(abs(DriftMonitor.psi(counts: [2, 2], [1, 3]) - expected) < 1e-12)
        #expect(DriftMonitor.psi(counts: [5, 7, 1], [10, 14, 2]) == 0)
        // Deciles of the reference: the same values give 0, values above all of them fall in the last bin.
        let reference = (0..<100).map { Float($0) }
        #expect(DriftMonitor.psi(reference: reference, data: reference) == 0)
        let shifted = DriftMonitor.psi(reference: reference, data: [Float](repeating: 1000, count: 100))
        #expect(abs(shifted - (9 * (1e-4 - 0.1) * log(1e-4 / 0.1) + 0.9 * log(10))) < 1e-9)
    }

    @Test func shiftsKeepQuestionsAndMismatchedMovesEveryImage() {
        let data = ShapesGenerator.generate(count: 12, seed: 5)
        for shift in DataShift.allCases {
            let shifted = shift.apply(to: data, seed: 1)
            #expect(shifted.tokens == data.tokens && shifted.labels == data.labels && shifted.count == data.count)
            #expect(shifted.images != data.images, "\(shift)")
        }
        let mismatched = DataShift.mismatched.apply(to: data, seed: 1)
        let bytes = data.images.count / data.count
        let original = (0..<data.count).map { Array(data.images[($0 * bytes)..<(($0 + 1) * bytes)]) }
        for sample in 0..<data.count {
            let image = Array(mismatched.images[(sample * bytes)..<((sample + 1) * bytes)])
            #expect(image != original[sample] && original.contains(image))
        }
    }
}
