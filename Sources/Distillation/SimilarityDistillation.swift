import TensorCore

extension DistillationLoss {
    /// Relational distillation of in-batch retrieval: the student's image → text and text → image
    /// similarity distributions match the teacher's.
    ///
    /// With [S; Sᵀ] = `crossModalLogits` (cosine similarities / τ) for each model,
    /// L = (1/(2B)) Σ_r KL(softmax(teacher_r) ‖ softmax(student_r)) over the 2B rows, i.e. the mean
    /// of the image → text and the text → image row-averaged KL.
    ///
    /// studentVision, studentText: [B, Ds]; teacherVision, teacherText: [B, Dt] (Ds and Dt may
    /// differ; both similarity matrices are [B, B]) → scalar [].
    public static func similarityMatching(studentVision: Tensor, studentText: Tensor,
                                          teacherVision: Tensor, teacherText: Tensor, temperature: Float) -> Tensor {
        precondition(studentVision.shape[0] == teacherVision.shape[0],
                     "student batch \(studentVision.shape[0]) and teacher batch \(teacherVision.shape[0]) differ")
        let rows = 2 * studentVision.shape[0]
        let teacherProbabilities = Tensor.withoutGradients {
            crossModalLogits(vision: teacherVision, text: teacherText, temperature: temperature).softmax()
        }
        let student = crossModalLogits(vision: studentVision, text: studentText, temperature: temperature)
        return klDivergence(teacher: teacherProbabilities, studentLogProbabilities: student.logSoftmax(),
                            rowWeights: [Float](repeating: 1 / Float(rows), count: rows))
    }
}
