import Foundation
import Testing
import TestSupport
import TensorCore
import Distillation

@Suite struct AttentionDistillationTests {
    // B = 2 images, H = 2 student heads, L = 3 queries, P = 4 patches.
    static let (batch, heads, queries, patches) = (2, 2, 3, 4)
    let mask = [true, true, false, true, false, false]
    let student = randomDistributions([batch, heads, queries, patches], seed: 11)

    /// Teacher maps [B, L, P], with one weight exactly 0 in a real query row to exercise t·log t = 0.
    var teacher: Tensor {
        var storage = randomDistributions([Self.batch, Self.queries, Self.patches], seed: 12).storage
        let row = 0..<Self.patches
        storage[1] = 0
        let total = storage[row].reduce(0, +)
        for j in row { storage[j] /= total }
        return Tensor(shape: [Self.batch, Self.queries, Self.patches], storage: storage)
    }

    @Test func headAverageMatchesLoop() {
        let averaged = DistillationLoss.headAverage(student)
        #expect(averaged.shape == [2, 3, 4])
        for b in 0..<2 {
            for l in 0..<3 {
                for p in 0..<4 {
                    var total = 0.0
                    for h in 0..<2 { total += Double(student.storage[((b * 2 + h) * 3 + l) * 4 + p]) }
                    #expect(abs(Double(averaged.storage[(b * 3 + l) * 4 + p]) - total / 2) <= 1e-7)
                }
            }
        }
    }

    @Test func valueMatchesHandComputation() {
        let teacher = self.teacher
        var expected = 0.0
        var rows = 0
        for b in 0..<2 {
            for l in 0..<3 where mask[b * 3 + l] {
                rows += 1
                for p in 0..<4 {
                    var s = 0.0
                    for h in 0..<2 { s += Double(student.storage[((b * 2 + h) * 3 + l) * 4 + p]) / 2 }
                    let t = Double(teacher.storage[(b * 3 + l) * 4 + p])
                    if t > 0 { expected += t * (log(t) - log(s + 1e-8)) }
                }
            }
        }
        expected /= Double(rows)
        let loss = DistillationLoss.attention(student: student, teacher: teacher, queryMask: mask)
        #expect(loss.shape == [])
        #expect(loss.item.isFinite)
        #expect(abs(Double(loss.item) - expected) <= 1e-5 * max(1, expected))
    }

    @Test func gradientMatchesFiniteDifferences() {
        let teacher = self.teacher
        checkGradients([Tensor(shape: student.shape, storage: student.storage)], step: 2e-3) {
            DistillationLoss.attention(student: $0[0], teacher: teacher, queryMask: mask)
        }
    }

    @Test func zeroWhenHeadAverageEqualsTeacher() {
        // Two heads t ± δ average to t; δ keeps each row a distribution.
        let teacher = randomDistributions([2, 3, 4], seed: 13)
        let delta: [Float] = [0.01, -0.02, 0.005, 0.005]
        var storage = [Float]()
        for b in 0..<2 {
            for sign: Float in [1, -1] {
                for i in (b * 12)..<((b + 1) * 12) { storage.append(teacher.storage[i] + sign * delta[i % 4]) }
            }
        }
        let student = Tensor(shape: [2, 2, 3, 4], storage: storage)
        #expect(abs(DistillationLoss.attention(student: student, teacher: teacher, queryMask: mask).item) <= 1e-6)
        #expect(DistillationLoss.attention(student: self.student, teacher: teacher, queryMask: mask).item > 1e-3)
    }

    @Test func maskedQueryRowsDoNotMatter() {
        let teacher = self.teacher
        let before = DistillationLoss.attention(student: student, teacher: teacher, queryMask: mask).item

        // Overwrite every masked query row, in every student head and in the teacher.
        var studentStorage = student.storage, teacherStorage = teacher.storage
        for b in 0..<2 {
            for l in 0..<3 where !mask[b * 3 + l] {
                for p in 0..<4 {
                    teacherStorage[(b * 3 + l) * 4 + p] = p == 0 ? 1 : 0
                    for h in 0..<2 { studentStorage[((b * 2 + h) * 3 + l) * 4 + p] = p == 3 ? 1 : 0 }
                }
            }
        }
        let changedStudent = Tensor(shape: student.shape, storage: studentStorage, requiresGrad: true)
        let after = DistillationLoss.attention(student: changedStudent,
                                               teacher: Tensor(shape: teacher.shape, storage: teacherStorage), queryMask: mask)
        #expect(after.item == before)

        after.backward()
        for b in 0..<2 {
            for h in 0..<2 {
                for l in 0..<3 where !mask[b * 3 + l] {
                    for p in 0..<4 { #expect(changedStudent.grad![((b * 2 + h) * 3 + l) * 4 + p] == 0) }
                }
            }
        }
    }

    @Test func allQueriesMaskedGivesZero() {
        let loss = DistillationLoss.attention(student: student, teacher: teacher, queryMask: [Bool](repeating: false, count: 6))
        #expect(loss.item == 0)
    }
}
