import Foundation
import Testing
import TestSupport
import TensorCore
import Distillation

@Suite struct LogitDistillationTests {
    let student = Tensor(shape: [2, 3], storage: [1, -0.5, 2, 0.3, 0.1, -1.2])
    let teacher = Tensor(shape: [2, 3], storage: [2, 0, -1, 0.5, 1.5, 0.2])

    @Test(arguments: [1, 2, 4] as [Float])
    func valueMatchesHandComputation(temperature: Float) {
        let loss = DistillationLoss.logits(student: student, teacher: teacher, temperature: temperature)
        let t = Double(temperature)
        var expected = 0.0
        for b in 0..<2 {
            let p = Reference.softmax(Reference.row(teacher, b).map { $0 / t })
            let q = Reference.softmax(Reference.row(student, b).map { $0 / t })
            for c in 0..<3 { expected += p[c] * (log(p[c]) - log(q[c])) }
        }
        expected *= t * t / 2
        #expect(loss.shape == [])
        #expect(abs(Double(loss.item) - expected) <= 1e-5 * max(1, expected))
    }

    @Test(arguments: [1, 3] as [Float])
    func gradientMatchesFiniteDifferences(temperature: Float) {
        let teacher = randomTensor([3, 4], seed: 2, scale: 2)
        checkGradients([randomTensor([3, 4], seed: 1, scale: 2)]) {
            DistillationLoss.logits(student: $0[0], teacher: teacher, temperature: temperature)
        }
    }

    @Test func zeroOnlyWhenStudentEqualsTeacher() {
        let same = DistillationLoss.logits(student: teacher, teacher: teacher, temperature: 2)
        #expect(abs(same.item) <= 1e-6)
        // Adding a constant to a row leaves its softmax unchanged.
        let shifted = Tensor(shape: [2, 3], storage: teacher.storage.enumerated().map { $0.element + ($0.offset < 3 ? 5 : -3) })
        #expect(abs(DistillationLoss.logits(student: shifted, teacher: teacher, temperature: 2).item) <= 1e-5)
        #expect(DistillationLoss.logits(student: student, teacher: teacher, temperature: 2).item > 0.01)
    }

    @Test func teacherReceivesNoGradient() {
        let student = Tensor(shape: [2, 3], storage: self.student.storage, requiresGrad: true)
        let teacher = Tensor(shape: [2, 3], storage: self.teacher.storage, requiresGrad: true)
        DistillationLoss.logits(student: student, teacher: teacher, temperature: 2).backward()
        #expect(student.grad != nil)
        #expect(teacher.grad == nil)
    }
}
