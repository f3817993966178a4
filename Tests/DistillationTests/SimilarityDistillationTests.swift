import Foundation
import Testing
import TestSupport
import TensorCore
import Distillation

@Suite struct SimilarityDistillationTests {
    // Student width 3, teacher width 5, batch 3.
    let studentVision = randomTensor([3, 3], seed: 31)
    let studentText = randomTensor([3, 3], seed: 32)
    let teacherVision = randomTensor([3, 5], seed: 33)
    let teacherText = randomTensor([3, 5], seed: 34)

    func loss(temperature: Float = 0.5) -> Tensor {
        DistillationLoss.similarityMatching(studentVision: studentVision, studentText: studentText,
                                            teacherVision: teacherVision, teacherText: teacherText, temperature: temperature)
    }

    @Test(arguments: [0.1, 0.5, 2] as [Float])
    func valueMatchesHandComputation(temperature: Float) {
        let τ = Double(temperature)
        let student = Reference.similarity(studentVision, studentText, temperature: τ)
        let teacher = Reference.similarity(teacherVision, teacherText, temperature: τ)
        var imageToText = 0.0, textToImage = 0.0
        for i in 0..<3 {
            imageToText += Reference.klDivergence(Reference.softmax(teacher[i]), Reference.softmax(student[i]))
            textToImage += Reference.klDivergence(Reference.softmax(Reference.transposed(teacher)[i]),
                                                  Reference.softmax(Reference.transposed(student)[i]))
        }
        let expected = 0.5 * (imageToText / 3 + textToImage / 3)
        let value = loss(temperature: temperature)
        #expect(value.shape == [])
        #expect(abs(Double(value.item) - expected) <= 1e-5 * max(1, expected))
        #expect(abs(imageToText - textToImage) > 1e-3, "both directions must matter in this example")
    }

    @Test func gradientMatchesFiniteDifferences() {
        let (teacherVision, teacherText) = (self.teacherVision, self.teacherText)
        checkGradients([randomTensor([3, 3], seed: 31), randomTensor([3, 3], seed: 32)], step: 1e-3) {
            DistillationLoss.similarityMatching(studentVision: $0[0], studentText: $0[1],
                                                teacherVision: teacherVision, teacherText: teacherText, temperature: 0.5)
        }
    }

    @Test func zeroWhenSimilaritiesAgreeAndTeacherIsConstant() {
        // A scaled teacher has the same cosine similarities.
        let same = DistillationLoss.similarityMatching(studentVision: teacherVision * 3, studentText: teacherText * 0.5,
                                                       teacherVision: teacherVision, teacherText: teacherText,
                                                       temperature: 0.5)
        #expect(abs(same.item) <= 1e-6)
        #expect(loss().item > 1e-3)

        teacherVision.requiresGrad = true
        studentVision.requiresGrad = true
        loss().backward()
        #expect(studentVision.grad != nil)
        #expect(teacherVision.grad == nil)
    }
}
