import TensorCore

extension DistillationLoss {
    /// Soft-target knowledge distillation (Hinton et al., 2015):
    /// L = T² · (1/B) Σ_b KL(softmax(teacher_b/T) ‖ softmax(student_b/T))
    ///   = T² · (1/B) Σ_b Σ_c p_t (log p_t − log p_s).
    ///
    /// student, teacher: [B, C] logits → scalar []. The T² factor keeps gradient magnitudes
    /// comparable across temperatures (the softened gradient scales as 1/T²).
    public static func logits(student: Tensor, teacher: Tensor, temperature: Float) -> Tensor {
        precondition(student.rank == 2 && student.shape == teacher.shape,
                     "logit distillation needs student and teacher [B, C], got \(student.shape) and \(teacher.shape)")
        precondition(temperature > 0, "temperature \(temperature) must be positive")
        let batch = student.shape[0]
        let teacherProbabilities = Tensor.withoutGradients { (teacher * (1 / temperature)).softmax() }
        let squaredTemperature = temperature * temperature
        return klDivergence(teacher: teacherProbabilities,
                            studentLogProbabilities: (student * (1 / temperature)).logSoftmax(),
                            rowWeights: [Float](repeating: squaredTemperature / Float(batch), count: batch))
    }
}
