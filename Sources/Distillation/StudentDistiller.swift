import Evaluation
import Checkpoint
import Models
import TensorCore
import Training

/// One distillation step: the student's forward pass and the weighted sum of the objective's
/// terms against the teacher's outputs for the same samples.
public final class StudentDistiller {
    public let student: FusionModel
    /// Student fused width → teacher fused width, for the feature term; used in training only
    /// and never saved with the student.
    public let projection: Linear
    public let objective: DistillationObjective

    public init(student: FusionModel, teacherWidth: Int, objective: DistillationObjective, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        self.student = student
        self.projection = Linear(inputSize: student.config.fusionDim, outputSize: teacherWidth, generator: &generator)
        self.objective = objective
    }

    /// Everything the optimizer updates: the student's parameters, then `projection.*` when the
    /// feature term is on.
    public var trainableParameters: [(name: String, tensor: Tensor)] {
        student.namedParameters
            + (objective.weights.features > 0 ? projection.namedParameters.map { ("projection.\($0.name)", $0.tensor) } : [])
    }

    /// The loss of `batch`; `teacher` holds the teacher's outputs for the same samples, in order.
    /// In a data-parallel step, `share` places the batch within the whole batch, over which the
    /// terms that couple samples (attention's mean over valid queries, contrastive) are computed.
    public func step(_ batch: MultimodalBatch, teacher: TeacherOutputs?, teacherIndices: [Int],
                     share: BatchShare? = nil) -> Trainer.StepResult {
        let output = student(batch.input)
        /// One weighted term of the objective: its name in the log, its weight and its value (a scalar).
        struct Term { let name: String, weight: Float, value: Tensor }
        var terms: [Term] = []
        if objective.weights.hard > 0 {
            terms.append(Term(name: "hard", weight: objective.weights.hard,
                              value: crossEntropy(logits: output.logits, labels: batch.labels!)))
        }
        if let teacher, objective.needsTeacher {
            let t = teacher.batch(teacherIndices, textLength: batch.textLength)
            if objective.weights.logits > 0 {
                terms.append(Term(name: "logits", weight: objective.weights.logits,
                                  value: DistillationLoss.logits(student: output.logits, teacher: t.logits,
                                                                 temperature: objective.temperature)))
            }
            if objective.weights.features > 0 {
                terms.append(Term(name: "features", weight: objective.weights.features,
                                  value: DistillationLoss.features(student: projection(output.fusion.fused), teacher: t.fused)))
            }
            if objective.weights.attention > 0 {
                let attention = DistillationLoss.attention(student: output.fusion.answerAttention, teacher: t.crossAttention,
                                                           queryMask: batch.input.textMask)
                terms.append(Term(name: "attention", weight: objective.weights.attention,
                                  value: share?.itemMean(attention, count: batch.input.textMask.filter { $0 }.count) ?? attention))
            }
            if objective.weights.contrastive > 0 {
                // Over the whole batch: every sample is the others' negative.
                let whole = { (rows: Tensor) in share?.gathered(rows) ?? rows }
                let (v, s) = (whole(output.fusion.visionGlobal), whole(output.fusion.textGlobal))
                let alignment = DistillationLoss.contrastive(vision: v, text: s, temperature: objective.contrastiveTemperature)
                    + DistillationLoss.similarityMatching(studentVision: v, studentText: s, teacherVision: whole(t.visionGlobal),
                                                          teacherText: whole(t.textGlobal), temperature: objective.contrastiveTemperature)
                terms.append(Term(name: "contrastive", weight: objective.weights.contrastive,
                                  value: share?.wholeBatch(alignment) ?? alignment))
            }
        }
        var loss = terms[0].value * terms[0].weight
        for term in terms.dropFirst() { loss = loss + term.value * term.weight }
        let components = Dictionary(uniqueKeysWithValues: terms.map { ($0.name, $0.weight * $0.value.item) })
        return Trainer.StepResult(loss: loss, components: components,
                                  correct: Evaluation.hits(logits: output.logits, labels: batch.labels!))
    }
}
