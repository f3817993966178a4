import Checkpoint
import Evaluation
import Models

/// What deciding a cascade's threshold reads from labelled data: the student's certainty and
/// whether each member answers each sample right. Calibration and the bench's curve both use it.
struct CascadeEvidence {
    let certainty: Certainty
    let studentRight: [Bool]
    let teacherRight: [Bool]

    init(student: FusionModel, teacher: FusionModel, data: MultimodalDataset, labels: [Int32], batchSize: Int) {
        let measured = Certainty.measure(student, on: data, batchSize: batchSize)
        let classes = student.config.numClasses
        certainty = measured.certainty
        studentRight = Evaluation.right(logits: measured.logits, classes: classes, labels: labels)
        teacherRight = Evaluation.right(logits: Evaluation.logits(of: teacher, on: data, batchSize: batchSize),
                                        classes: classes, labels: labels)
    }

    /// Sample indices, lowest score first (ties in index order): the order samples are escalated in.
    static func escalationOrder(_ scores: [Float]) -> [Int] {
        scores.indices.sorted { (scores[$0], $0) < (scores[$1], $1) }
    }

    /// Accuracy when the first `count` samples of `order` go to the teacher.
    func accuracy(escalating count: Int, of order: [Int]) -> Double {
        let hits = order.prefix(count).filter { teacherRight[$0] }.count + order.dropFirst(count).filter { studentRight[$0] }.count
        return Double(hits) / Double(order.count)
    }
}
