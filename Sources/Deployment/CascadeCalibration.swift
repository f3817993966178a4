/// The calibration rule: the smallest teacher share whose accuracy on the calibration set stays at
/// least `retain` × the teacher's own accuracy there.
///
/// Samples are escalated lowest score first. Escalating the k lowest gives accuracy
/// (teacher-right among those k + student-right among the rest) / N. The threshold is cut only
/// between distinct scores (tied samples go together), at the midpoint, so that a sample is
/// escalated when its score < threshold. When no share short of all meets the target, every
/// sample is escalated.
public struct CascadeCalibration: Equatable, Sendable {
    /// Escalate when score < threshold (−∞: never, +∞: always).
    public var threshold: Double
    /// Share of the calibration samples escalated.
    public var teacherShare: Double
    /// Cascade accuracy on the calibration set, and the two members' own.
    public var accuracy: Double
    public var studentAccuracy: Double
    public var teacherAccuracy: Double

    public init(scores: [Float], studentRight: [Bool], teacherRight: [Bool], retain: Double) {
        let count = scores.count
        precondition(count > 0 && studentRight.count == count && teacherRight.count == count, "one score and answer per sample")
        let order = CascadeEvidence.escalationOrder(scores)
        let teacherHits = teacherRight.filter { $0 }.count, studentHits = studentRight.filter { $0 }.count
        let target = retain * Double(teacherHits) / Double(count)
        var hits = studentHits   // with the k lowest escalated
        var chosen = count
        for k in 0...count {
            if k > 0 {
                let i = order[k - 1]
                hits += (teacherRight[i] ? 1 : 0) - (studentRight[i] ? 1 : 0)
            }
            let cut = k == 0 || k == count || scores[order[k - 1]] < scores[order[k]]
            if cut && Double(hits) / Double(count) >= target - 1e-12 {
                chosen = k
                break
            }
        }
        let escalated = order.prefix(chosen)
        let cascadeHits = escalated.filter { teacherRight[$0] }.count + order.dropFirst(chosen).filter { studentRight[$0] }.count
        threshold = chosen == 0 ? -.infinity : chosen == count ? .infinity
            : (Double(scores[order[chosen - 1]]) + Double(scores[order[chosen]])) / 2
        teacherShare = Double(chosen) / Double(count)
        accuracy = Double(cascadeHits) / Double(count)
        studentAccuracy = Double(studentHits) / Double(count)
        teacherAccuracy = Double(teacherHits) / Double(count)
    }
}
