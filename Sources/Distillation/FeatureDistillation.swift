import TensorCore

extension DistillationLoss {
    /// Feature matching by mean squared error: L = (1/(B·D)) Σ_bd (student_bd − teacher_bd)².
    ///
    /// student: [B, D], already projected to the teacher width by the caller; teacher: [B, D]
    /// → scalar [].
    public static func features(student: Tensor, teacher: Tensor) -> Tensor {
        precondition(student.shape == teacher.shape,
                     "feature distillation needs equal shapes, got student \(student.shape) and teacher \(teacher.shape)")
        // A fresh leaf over the teacher's storage: the teacher stays a constant.
        let target = Tensor(shape: teacher.shape, storage: teacher.storage)
        return (student - target).squared().mean()
    }
}
