import Testing
@testable import Deployment

/// The calibration rule on an example worked by hand.
@Suite struct CascadeCalibrationTests {
    // Eight samples, scores ascending except for a tie at 0.5. The student is wrong on the
    // samples scored 0.1, 0.3 and 0.7; the teacher is wrong on the one scored 0.9.
    let scores: [Float] = [0.9, 0.1, 0.5, 0.3, 0.5, 0.7, 0.8, 0.95]
    let student = [true, false, true, false, true, false, true, true]
    let teacher = [false, true, true, true, true, true, true, true]

    @Test func smallestShareThatKeepsTheTarget() {
        // Teacher 7/8. retain 1 → target 7/8: escalating 0.1 and 0.3 gives 7/8 (student still wrong on 0.7).
        let full = CascadeCalibration(scores: scores, studentRight: student, teacherRight: teacher, retain: 1)
        #expect(full.teacherShare == 2.0 / 8 && full.accuracy == 7.0 / 8)
        #expect(abs(full.threshold - 0.4) < 1e-6)   // midway between 0.3 and the tied 0.5s
        #expect(full.studentAccuracy == 5.0 / 8 && full.teacherAccuracy == 7.0 / 8)
        // retain 6/7 → target 6/8: escalating 0.1 alone gives 6/8.
        let lower = CascadeCalibration(scores: scores, studentRight: student, teacherRight: teacher, retain: 6.0 / 7)
        #expect(lower.teacherShare == 1.0 / 8 && abs(lower.threshold - 0.2) < 1e-6 && lower.accuracy == 6.0 / 8)
        // retain 5/7 → target 5/8: the student alone.
        let none = CascadeCalibration(scores: scores, studentRight: student, teacherRight: teacher, retain: 5.0 / 7)
        #expect(none.teacherShare == 0 && none.threshold == -.infinity)
    }

    @Test func tiedScoresGoTogether() {
        // The student is wrong only on the tied pair at 0.5. Target 7/8: escalating one of the pair
        // would reach it, but ties cannot be split, so 0.1, 0.3 and both 0.5s go (accuracy 8/8).
        let student = [true, true, false, true, false, true, true, true]
        let rule = CascadeCalibration(scores: scores, studentRight: student, teacherRight: teacher, retain: 1)
        #expect(rule.teacherShare == 4.0 / 8 && abs(rule.threshold - 0.6) < 1e-6 && rule.accuracy == 1)
    }

    @Test func unreachableTargetSendsEverything() {
        let rule = CascadeCalibration(scores: scores, studentRight: student, teacherRight: teacher, retain: 1.2 / 1)
        #expect(rule.teacherShare == 1 && rule.threshold == .infinity)
    }
}
