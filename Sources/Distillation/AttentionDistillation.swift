import TensorCore

extension DistillationLoss {
    /// Added to student probabilities before the logarithm so that a zero weight stays finite.
    static let attentionLogEpsilon: Float = 1e-8

    /// Attention-map transfer: the student's head-averaged cross-attention matches the teacher's.
    ///
    /// s = headAverage(student) [B, L, P]; for each query row (b, l) whose `queryMask` flag is
    /// set, KL_bl = Σ_p t_blp (log t_blp − log(s_blp + ε)), ε = 1e-8, with t·log t = 0 where t = 0;
    /// L = mean of KL_bl over the unmasked rows (padding queries are excluded; L = 0 if there are none).
    ///
    /// student: [B, Hs, L, P] weights, rows summing to 1; teacher: [B, L, P], already head-averaged
    /// (see `headAverage`); queryMask: B·L flags (true = real token) → scalar [].
    public static func attention(student: Tensor, teacher: Tensor, queryMask: [Bool]) -> Tensor {
        precondition(student.rank == 4 && teacher.rank == 3,
                     "attention distillation needs student [B, H, L, P] and teacher [B, L, P], "
                         + "got \(student.shape) and \(teacher.shape)")
        let averaged = headAverage(student)
        precondition(averaged.shape == teacher.shape, "student maps \(averaged.shape) and teacher maps \(teacher.shape) differ")
        precondition(queryMask.count == teacher.shape[0] * teacher.shape[1],
                     "\(queryMask.count) query flags for \(teacher.shape[0]) × \(teacher.shape[1]) queries")
        let rowWeight = 1 / Float(max(queryMask.filter { $0 }.count, 1))
        return klDivergence(teacher: teacher,
                            studentLogProbabilities: (averaged + attentionLogEpsilon).log(),
                            rowWeights: queryMask.map { $0 ? rowWeight : 0 })
    }

    /// Mean over attention heads: weights [B, H, L, P] → [B, L, P].
    public static func headAverage(_ weights: Tensor) -> Tensor {
        precondition(weights.rank == 4, "head average needs weights [B, H, L, P], got \(weights.shape)")
        return weights.mean(axis: 1)
    }
}
