import TensorCore

/// Copies of selected rows or columns of parameter tensors (no graph: pruning edits weights).
enum TensorSlicing {
    /// Rows `indices` of x: [N, ..] (or [N]) → [|indices|, ..].
    static func rows(_ x: Tensor, _ indices: [Int]) -> Tensor {
        let rowSize = x.count / max(x.shape[0], 1)
        var out = [Float]()
        out.reserveCapacity(indices.count * rowSize)
        for i in indices { out += x.storage[(i * rowSize)..<((i + 1) * rowSize)] }
        return Tensor(shape: [indices.count] + x.shape.dropFirst(), storage: out)
    }

    /// Columns `indices` of x: [M, N] → [M, |indices|].
    static func columns(_ x: Tensor, _ indices: [Int]) -> Tensor {
        let (rowCount, columnCount) = (x.shape[0], x.shape[1])
        var out = [Float]()
        out.reserveCapacity(rowCount * indices.count)
        for r in 0..<rowCount { for c in indices { out.append(x.storage[r * columnCount + c]) } }
        return Tensor(shape: [rowCount, indices.count], storage: out)
    }
}
