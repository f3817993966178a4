import Models
import TensorCore

/// Structured MLP pruning: hidden unit j of a block (row j of `linear1`, column j of `linear2`)
/// is scored by ‖linear1.weight[j, :]‖₂ · ‖linear2.weight[:, j]‖₂, the gain of the path through
/// it, and the lowest-scoring units are deleted.
public enum NeuronPruning {
    /// Scores of each hidden unit of the MLP linear2(gelu(linear1(·))): [hidden].
    public static func scores(linear1: Linear, linear2: Linear) -> [Float] {
        let (hidden, dimension) = (linear1.outputSize, linear1.inputSize)
        let w1 = linear1.weight.storage, w2 = linear2.weight.storage
        return (0..<hidden).map { j in
            var inNorm: Float = 0, outNorm: Float = 0
            for i in 0..<dimension { inNorm += w1[j * dimension + i] * w1[j * dimension + i] }
            for i in 0..<dimension { outNorm += w2[i * hidden + j] * w2[i * hidden + j] }
            return (inNorm * outNorm).squareRoot()
        }
    }

    /// Indices of the `keep` highest-scoring units, ascending (ties keep the earlier unit).
    public static func keptUnits(scores: [Float], keep: Int) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(keep).sorted()
    }

    /// Replaces the MLP tensors of the block at `prefix` by those of the `kept` units:
    /// linear1.weight [M, D] → [M', D], linear1.bias [M] → [M'], linear2.weight [D, M] → [D, M'].
    public static func slice(_ tensors: inout [String: Tensor], prefix: String, kept: [Int]) {
        tensors["\(prefix).linear1.weight"] = TensorSlicing.rows(tensors["\(prefix).linear1.weight"]!, kept)
        tensors["\(prefix).linear1.bias"] = TensorSlicing.rows(tensors["\(prefix).linear1.bias"]!, kept)
        tensors["\(prefix).linear2.weight"] = TensorSlicing.columns(tensors["\(prefix).linear2.weight"]!, kept)
    }
}
