import Checkpoint
import Foundation
import Models
import TensorCore

/// A student that answers every sample and a teacher for the samples whose signal falls below the
/// threshold: one model to `eval`, `predict` and `bench`.
public final class Cascade {
    public let student: FusionModel
    public let teacher: FusionModel
    public let definition: CascadeDefinition
    /// The members' files.
    public let studentFile: URL
    public let teacherFile: URL

    public init(student: FusionModel, teacher: FusionModel, definition: CascadeDefinition, studentFile: URL, teacherFile: URL) {
        self.student = student; self.teacher = teacher; self.definition = definition
        self.studentFile = studentFile; self.teacherFile = teacherFile
    }

    /// Whether `url` names a cascade (`cascade.json`) rather than a checkpoint: a `.json` file.
    public static func isCascadeFile(_ url: URL) -> Bool { url.pathExtension.lowercased() == "json" }

    /// Reads `cascade.json` and both members, and checks that they read the same inputs and answer
    /// the same classes. - Throws: `CascadeError` or `CheckpointError` naming the file.
    public static func load(from url: URL) throws -> Cascade {
        let definition = try CascadeDefinition.read(from: url)
        let folder = url.deletingLastPathComponent()
        let (studentFile, teacherFile) = (CascadeDefinition.resolve(definition.student, in: folder),
                                          CascadeDefinition.resolve(definition.teacher, in: folder))
        let student = try CheckpointFile.loadModel(from: studentFile).model
        let teacher = try CheckpointFile.loadModel(from: teacherFile).model
        try checkMembers(student: student.config, teacher: teacher.config, file: url.path)
        return Cascade(student: student, teacher: teacher, definition: definition, studentFile: studentFile, teacherFile: teacherFile)
    }

    /// Student and teacher must read the same images and questions and answer the same classes.
    public static func checkMembers(student: ModelConfig, teacher: ModelConfig, file: String) throws(CascadeError) {
        for (key, a, b) in [("image_size", student.imageSize, teacher.imageSize), ("vocab_size", student.vocabSize, teacher.vocabSize),
                            ("max_text_len", student.maxTextLen, teacher.maxTextLen),
                            ("num_classes", student.numClasses, teacher.numClasses)] where a != b {
            throw .invalid(file: file, reason: "the student's \(key) \(a) differs from the teacher's \(b)")
        }
    }

    /// The config inputs are checked against: the student's (the teacher reads the same inputs).
    public var config: ModelConfig { student.config }

    /// Logits [B, C] of a batch: the student's, with the teacher's in the rows it escalates.
    public func predict(_ input: ModelInput) -> (logits: Tensor, escalated: [Bool]) {
        let output = Tensor.withoutGradients { student(input) }
        let scores = definition.signal.scores(Certainty(output), combination: definition.combination)
        let escalated = scores.map { Double($0) < definition.threshold }
        let rows = escalated.indices.filter { escalated[$0] }
        guard !rows.isEmpty else { return (output.logits, escalated) }
        let teacherLogits = teacher.predict(input.rows(rows))
        var logits = output.logits.storage
        let classes = output.logits.shape[1]
        for (position, row) in rows.enumerated() {
            logits.replaceSubrange((row * classes)..<((row + 1) * classes),
                                   with: teacherLogits.storage[(position * classes)..<((position + 1) * classes)])
        }
        return (Tensor(shape: output.logits.shape, storage: logits), escalated)
    }

    /// Logits [N, C] over `data`, and which samples went to the teacher.
    public func predict(_ data: MultimodalDataset, batchSize: Int) -> (logits: [Float], escalated: [Bool]) {
        var logits: [Float] = [], escalated: [Bool] = []
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let (batchLogits, batchEscalated) = predict(data.batch(start..<min(start + batchSize, data.count)).input)
            logits += batchLogits.storage
            escalated += batchEscalated
        }
        return (logits, escalated)
    }
}

extension ModelInput {
    /// The samples at `indices`, in that order.
    public func rows(_ indices: [Int]) -> ModelInput {
        let imageBytes = images.count / max(batchSize, 1)
        return ModelInput(images: indices.flatMap { images[($0 * imageBytes)..<(($0 + 1) * imageBytes)] },
                          tokens: indices.flatMap { tokens[($0 * textLength)..<(($0 + 1) * textLength)] },
                          batchSize: indices.count, textLength: textLength)
    }
}
