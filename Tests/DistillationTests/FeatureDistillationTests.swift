import Testing
import TestSupport
import TensorCore
import Distillation

@Suite struct FeatureDistillationTests {
    @Test func valueMatchesHandComputation() {
        let student = Tensor(shape: [2, 3], storage: [0.5, -1, 2, 0, 3, -0.25])
        let teacher = Tensor(shape: [2, 3], storage: [1, 1, 1, -2, 0.5, 0.75])
        var expected = 0.0
        for i in 0..<6 {
            let difference = Double(student.storage[i]) - Double(teacher.storage[i])
            expected += difference * difference
        }
        expected /= 6
        let loss = DistillationLoss.features(student: student, teacher: teacher)
        #expect(loss.shape == [])
        #expect(abs(Double(loss.item) - expected) <= 1e-6 * expected)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let teacher = randomTensor([3, 5], seed: 4)
        checkGradients([randomTensor([3, 5], seed: 3)]) { DistillationLoss.features(student: $0[0], teacher: teacher) }
    }

    @Test func zeroWhenEqualAndTeacherIsConstant() {
        let teacher = randomTensor([2, 4], seed: 5)
        #expect(DistillationLoss.features(student: teacher, teacher: teacher).item == 0)
        let student = randomTensor([2, 4], seed: 6)
        student.requiresGrad = true
        teacher.requiresGrad = true
        let loss = DistillationLoss.features(student: student, teacher: teacher)
        #expect(loss.item > 0)
        loss.backward()
        #expect(student.grad != nil)
        #expect(teacher.grad == nil)
    }
}
