import Models
import TensorCore
import Training

/// What distillation needs from the teacher for a set of samples (constants: no graph).
public struct TeacherOutputs {
    /// [N, C]
    public var logits: [Float]
    /// Fused vector [N, Dt].
    public var fused: [Float]
    /// [N, Dt]
    public var visionGlobal: [Float]
    /// [N, Dt]
    public var textGlobal: [Float]
    /// The fusion's `answerAttention` averaged over heads [N, L, P].
    public var crossAttention: [Float]

    /// Row widths: C, Dt, L·P.
    public let classes: Int, width: Int, attentionSize: Int

    public init(classes: Int, width: Int, attentionSize: Int) {
        (self.classes, self.width, self.attentionSize) = (classes, width, attentionSize)
        (logits, fused, visionGlobal, textGlobal, crossAttention) = ([], [], [], [], [])
    }

    /// The teacher's outputs for one batch, computed without a graph.
    public init(teacher: FusionModel, input: ModelInput) {
        self.init(classes: teacher.config.numClasses, width: teacher.config.fusionDim,
                  attentionSize: input.textLength * teacher.config.fusionPatchCount)
        Tensor.withoutGradients {
            let output = teacher(input)
            append(logits: output.logits, fusion: output.fusion)
        }
    }

    mutating func append(logits batchLogits: Tensor, fusion: AdaptiveCrossModalFusion.Output) {
        logits += batchLogits.storage
        fused += fusion.fused.storage
        visionGlobal += fusion.visionGlobal.storage
        textGlobal += fusion.textGlobal.storage
        crossAttention += DistillationLoss.headAverage(fusion.answerAttention).storage
    }

    /// Turns outputs of rows `rows` of `count` samples into those of all of them, each replica
    /// having computed its own rows: zeros elsewhere, summed over the replicas (adding zeros is exact).
    mutating func gather(rows: Range<Int>, of count: Int, over replicas: ReplicaGroup) {
        func whole(_ values: inout [Float], width: Int) {
            var table = [Float](repeating: 0, count: count * width)
            table.replaceSubrange((rows.lowerBound * width)..<(rows.upperBound * width), with: values)
            replicas.sum(&table)
            values = table
        }
        whole(&logits, width: classes)
        whole(&fused, width: width)
        whole(&visionGlobal, width: width)
        whole(&textGlobal, width: width)
        whole(&crossAttention, width: attentionSize)
    }

    public var count: Int { logits.count / max(classes, 1) }

    /// Rows `indices`, in that order, as tensors: logits [B, C], fused, vision and text globals
    /// [B, Dt], cross-attention [B, L, P].
    public func batch(_ indices: [Int], textLength: Int) -> (logits: Tensor, fused: Tensor, visionGlobal: Tensor,
                                                               textGlobal: Tensor, crossAttention: Tensor) {
        func rows(_ values: [Float], _ width: Int, _ shape: [Int]) -> Tensor {
            var out = [Float]()
            out.reserveCapacity(indices.count * width)
            for i in indices { out += values[(i * width)..<((i + 1) * width)] }
            return Tensor(shape: [indices.count] + shape, storage: out)
        }
        return (rows(logits, classes, [classes]), rows(fused, width, [width]), rows(visionGlobal, width, [width]),
                rows(textGlobal, width, [width]), rows(crossAttention, attentionSize, [textLength, attentionSize / textLength]))
    }
}
