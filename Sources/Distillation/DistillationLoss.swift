import Foundation
import TensorCore

/// The losses that pull a student towards a teacher, each a scalar Tensor [] differentiable with
/// respect to the student tensors. Teacher tensors are constants: no gradient reaches them.
///
/// Most of them are a Kullback–Leibler divergence between rows of probabilities, so they share
/// `klDivergence(teacher:studentLogProbabilities:rowWeights:)`.
public enum DistillationLoss {}

extension DistillationLoss {
    /// Weighted KL divergence of constant teacher rows from student rows:
    /// L = Σ_r w_r Σ_j t_rj (log t_rj − log s_rj).
    ///
    /// teacher: [.., N] probabilities, studentLogProbabilities: log s, same shape; rowWeights: one
    /// per row of N (w = 1/R gives the mean over rows, w = 0 drops a row) → scalar [].
    /// t·log t is taken as 0 where t == 0 (its limit). Only the cross term −Σ w·t·log s carries a
    /// gradient; the teacher's negative entropy Σ w·t·log t is a constant added in Double.
    static func klDivergence(teacher: Tensor, studentLogProbabilities: Tensor, rowWeights: [Float]) -> Tensor {
        precondition(teacher.shape == studentLogProbabilities.shape,
                     "teacher \(teacher.shape) and student \(studentLogProbabilities.shape) differ")
        let n = teacher.shape.last ?? 1
        precondition(rowWeights.count * n == teacher.count,
                     "\(rowWeights.count) row weights for \(teacher.count / max(n, 1)) rows of shape \(teacher.shape)")
        var coefficients = [Float](repeating: 0, count: teacher.count)
        var negativeEntropy = 0.0
        for (row, weight) in rowWeights.enumerated() where weight != 0 {
            for j in (row * n)..<((row + 1) * n) {
                let t = teacher.storage[j]
                coefficients[j] = weight * t
                if t > 0 { negativeEntropy += Double(weight) * Double(t) * Foundation.log(Double(t)) }
            }
        }
        let crossEntropy = (studentLogProbabilities * Tensor(shape: teacher.shape, storage: coefficients)).sum()
        return crossEntropy.affine(scale: -1, shift: Float(negativeEntropy))
    }
}
