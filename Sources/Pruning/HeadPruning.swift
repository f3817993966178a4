import Models
import TensorCore

/// Structured head pruning: choosing the heads to remove, and deleting them physically
/// (q/k/v rows of `in_proj_*` and columns of `out_proj.weight`), so the attention width shrinks.
public enum HeadPruning {
    /// Indices of the heads each site keeps after removing the `removeCount` lowest `scores`
    /// across all sites; a layer's last head is never removed. Ties go to the earlier site and head.
    /// → one ascending index list per site.
    /// - Throws: `.invalidSetting` of `heads` when fewer than `removeCount` heads can go (every layer keeps one).
    public static func keptHeads(scores: [[Float]], removeCount: Int) throws(PruningError) -> [[Int]] {
        let removable = scores.reduce(0) { $0 + $1.count - 1 }
        guard removeCount <= removable else {
            let total = scores.reduce(0) { $0 + $1.count }
            throw .invalidSetting(SettingError("heads", "removing \(removeCount) heads would leave a layer without heads (at most "
                + "\(removable) of \(total) can go, one head stays in each of the \(scores.count) attention layers)"))
        }
        let ranked = scores.enumerated().flatMap { site, values in values.enumerated().map { (site, $0.offset, $0.element) } }
            .sorted { $0.2 != $1.2 ? $0.2 < $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
        var remaining = scores.map(\.count)
        var removed = Set<[Int]>()
        for (site, head, _) in ranked where removed.count < removeCount && remaining[site] > 1 {
            removed.insert([site, head])
            remaining[site] -= 1
        }
        return scores.enumerated().map { site, values in values.indices.filter { !removed.contains([site, $0]) } }
    }

    /// Replaces the tensors of the attention at `prefix` (with `heads` heads of `headDim` features)
    /// by those of the `kept` heads: in_proj_weight [3A, D] → [3A', D], in_proj_bias [3A] → [3A'],
    /// out_proj.weight [D, A] → [D, A'] with A' = |kept|·hd; out_proj.bias is unchanged.
    public static func slice(_ tensors: inout [String: Tensor], prefix: String, heads: Int, headDim: Int, kept: [Int]) {
        let width = heads * headDim
        /// Rows of the packed q, k, v projections that belong to the kept heads, in q, k, v order.
        let columns: [Int] = kept.flatMap { (head: Int) -> Range<Int> in (head * headDim)..<((head + 1) * headDim) }
        let rows: [Int] = (0..<3).flatMap { (block: Int) -> [Int] in columns.map { block * width + $0 } }
        let weight = tensors["\(prefix).in_proj_weight"]!, bias = tensors["\(prefix).in_proj_bias"]!
        let out = tensors["\(prefix).out_proj.weight"]!
        tensors["\(prefix).in_proj_weight"] = TensorSlicing.rows(weight, rows)
        tensors["\(prefix).in_proj_bias"] = TensorSlicing.rows(bias, rows)
        tensors["\(prefix).out_proj.weight"] = TensorSlicing.columns(out, columns)
    }
}
