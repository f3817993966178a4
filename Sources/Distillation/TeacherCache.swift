import Checkpoint
import Foundation
import Models
import TensorCore
import Training

/// Teacher outputs over a training set, computed once and kept in an HDF5 file beside the
/// teacher, so distillation does not pay the teacher's forward pass every epoch.
///
/// The file is named after the teacher and the data's hash (`teacher.h5` →
/// `teacher.outputs-<data hash>.h5`), so caches for several data sets live side by side; it also
/// records the teacher checkpoint's hash and is rebuilt when the teacher changes.
public enum TeacherCache {
    static let kind = "condenser-teacher-cache"

    /// Cached outputs for (teacher file, data), computing and saving them when the cache is
    /// missing or stale. `report` receives a line saying which.
    ///
    /// With `replicas`, each computes the outputs of its share of the samples, every replica gets
    /// them all (zeros elsewhere, summed), and rank 0 alone writes the file. The cache is reused
    /// only when every replica can read it.
    public static func outputs(teacher: FusionModel, teacherFile: URL, data: MultimodalDataset, batchSize: Int,
                               replicas: ReplicaGroup? = nil, report: (String) -> Void) throws(CheckpointError) -> TeacherOutputs {
        let teacherHash = try Fingerprint.file(teacherFile)
        let dataHash = Fingerprint.dataset(data)
        let url = teacherFile.deletingPathExtension().appendingPathExtension("outputs-\(dataHash).h5")
        var cached: TeacherOutputs?
        if FileManager.default.fileExists(atPath: url.path), let archive = try? TensorArchive.read(from: url, kind: kind),
           archive.attributes["teacher_hash"] == teacherHash, archive.attributes["data_hash"] == dataHash {
            cached = decode(archive, teacher: teacher, data: data)
        }
        let missingSomewhere = replicas?.any(cached == nil) ?? (cached == nil)
        if let cached, !missingSomewhere {
            report("teacher outputs: reusing \(url.path)")
            return cached
        }
        let started = Date()
        var outputs = TeacherOutputs(classes: teacher.config.numClasses, width: teacher.config.fusionDim,
                                     attentionSize: data.textLength * teacher.config.fusionPatchCount)
        let n = data.count
        let range = replicas.map { $0.share(of: Array(0..<n)).indices } ?? 0..<n
        Tensor.withoutGradients {
            for start in stride(from: range.lowerBound, to: range.upperBound, by: batchSize) {
                let batch = data.batch(start..<min(start + batchSize, range.upperBound))
                let output = teacher(batch.input)
                outputs.append(logits: output.logits, fusion: output.fusion)
            }
        }
        if let replicas { outputs.gather(rows: range, of: n, over: replicas) }
        let archive = TensorArchive(kind: kind, arrays: [
            "logits": .init(shape: [n, outputs.classes], values: outputs.logits),
            "fused": .init(shape: [n, outputs.width], values: outputs.fused),
            "vision_global": .init(shape: [n, outputs.width], values: outputs.visionGlobal),
            "text_global": .init(shape: [n, outputs.width], values: outputs.textGlobal),
            "cross_attention": .init(shape: [n, data.textLength, teacher.config.fusionPatchCount], values: outputs.crossAttention),
        ], attributes: ["teacher_hash": teacherHash, "data_hash": dataHash, "teacher": teacherFile.path])
        try writeOnRankZero(url, replicas: replicas) { () throws(CheckpointError) in try archive.write(to: url) }
        report(String(format: "teacher outputs: computed for %d samples in %.1f s, cached in %@",
                      n, Date().timeIntervalSince(started), url.path))
        return outputs
    }

    private static func decode(_ archive: TensorArchive, teacher: FusionModel, data: MultimodalDataset) -> TeacherOutputs? {
        let n = data.count, width = teacher.config.fusionDim
        guard let logits = archive.arrays["logits"], logits.shape == [n, teacher.config.numClasses],
              let fused = archive.arrays["fused"], fused.shape == [n, width],
              let vision = archive.arrays["vision_global"], vision.shape == [n, width],
              let text = archive.arrays["text_global"], text.shape == [n, width],
              let attention = archive.arrays["cross_attention"], attention.shape == [n, data.textLength, teacher.config.fusionPatchCount]
        else { return nil }
        var outputs = TeacherOutputs(classes: teacher.config.numClasses, width: width,
                                     attentionSize: data.textLength * teacher.config.fusionPatchCount)
        (outputs.logits, outputs.fused, outputs.visionGlobal, outputs.textGlobal, outputs.crossAttention) =
            (logits.values, fused.values, vision.values, text.values, attention.values)
        return outputs
    }
}
