extension Tensor {
    /// Rows of x picked by index, gradients flowing back to the rows they came from:
    /// x [N, D] → [M, D], row i being x[sources[i]], or zeros where sources[i] is nil.
    public static func pickingRows(_ x: Tensor, sources: [Int?]) -> Tensor {
        let n = x.shape[0], d = x.count / max(n, 1)
        precondition(sources.allSatisfy { $0.map { $0 >= 0 && $0 < n } ?? true }, "picked rows outside the \(n) rows of \(x.shape)")
        var out = [Float](repeating: 0, count: sources.count * d)
        for (row, source) in sources.enumerated() {
            if let source { out.replaceSubrange((row * d)..<((row + 1) * d), with: x.storage[(source * d)..<((source + 1) * d)]) }
        }
        return Tensor(shape: [sources.count, d], storage: out, parents: [x]) { result in
            result.grad!.withUnsafeBufferPointer { g in
                x.withGradBuffer { dx in
                    for (row, source) in sources.enumerated() {
                        if let source { VectorMath.add(g.baseAddress! + row * d, into: dx + source * d, count: d) }
                    }
                }
            }
        }
    }

    /// The same elements with a new shape of equal element count (one axis may be -1).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            newShape[inferred] = count / max(newShape.filter { $0 != -1 }.reduce(1, *), 1)
        }
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, storage: storage, parents: [self]) { [self] result in
            accumulateGrad(result.grad!)
        }
    }

    /// Axes reordered: output axis i is input axis `order[i]` (PyTorch `permute`).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) does not fit shape \(shape)")
        let outShape = order.map { shape[$0] }
        var inputStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { inputStrides[axis] = inputStrides[axis + 1] * shape[axis + 1] }
        let strides = order.map { inputStrides[$0] }
        let out = Tensor.gather(storage, shape: outShape, strides: strides)
        return Tensor(shape: outShape, storage: out, parents: [self]) { [self] result in
            var inverse = [Int](repeating: 0, count: rank)
            for (i, axis) in order.enumerated() { inverse[axis] = i }
            var outStrides = [Int](repeating: 1, count: rank)
            for axis in stride(from: rank - 2, through: 0, by: -1) { outStrides[axis] = outStrides[axis + 1] * outShape[axis + 1] }
            accumulateGrad(Tensor.gather(result.grad!, shape: shape, strides: inverse.map { outStrides[$0] }))
        }
    }

    /// Copies `source` read with element `strides` into a contiguous array of `shape`.
    private static func gather(_ source: [Float], shape: [Int], strides: [Int]) -> [Float] {
        let n = shape.last ?? 1, s = strides.last ?? 0
        return uninitializedStorage(shape.reduce(1, *)) { o in
            source.withUnsafeBufferPointer { src in
                Broadcast.forEachRow(shape, [strides]) { outOffset, offsets in
                    for j in 0..<n { o[outOffset + j] = src[offsets[0] + j * s] }
                }
            }
        }
    }

    /// Joins tensors along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat of no tensors")
        let first = tensors[0]
        let axis = axis < 0 ? axis + first.rank : axis
        for t in tensors {
            precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concat along axis \(axis): shape \(t.shape) does not match \(first.shape)")
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let widths = tensors.map { $0.shape[axis...].reduce(1, *) }
        let total = widths.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total)
        var offset = 0
        for (t, width) in zip(tensors, widths) {
            for row in 0..<outer {
                out.replaceSubrange((row * total + offset)..<(row * total + offset + width),
                                    with: t.storage[(row * width)..<((row + 1) * width)])
            }
            offset += width
        }
        var outShape = first.shape
        outShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        return Tensor(shape: outShape, storage: out, parents: tensors) { result in
            let g = result.grad!
            var offset = 0
            for (t, width) in zip(tensors, widths) {
                if t.requiresGrad {
                    var delta = [Float](repeating: 0, count: t.count)
                    for row in 0..<outer {
                        delta.replaceSubrange((row * width)..<((row + 1) * width),
                                              with: g[(row * total + offset)..<(row * total + offset + width)])
                    }
                    t.accumulateGrad(delta)
                }
                offset += width
            }
        }
    }

    /// Elements `range` of `axis`. [.., N, ..] → [.., range.count, ..]
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) outside axis \(axis) of \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let (width, sliceWidth, start) = (shape[axis] * inner, range.count * inner, range.lowerBound * inner)
        var out = [Float]()
        out.reserveCapacity(outer * sliceWidth)
        for row in 0..<outer { out += storage[(row * width + start)..<(row * width + start + sliceWidth)] }
        var outShape = shape
        outShape[axis] = range.count
        return Tensor(shape: outShape, storage: out, parents: [self]) { [self] result in
            let g = result.grad!
            withGradBuffer { dx in
                for row in 0..<outer {
                    for j in 0..<sliceWidth { dx[row * width + start + j] += g[row * sliceWidth + j] }
                }
            }
        }
    }

    /// Splits along `axis` into consecutive pieces of the given extents.
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let axis = axis < 0 ? axis + rank : axis
        precondition(sizes.reduce(0, +) == shape[axis], "split sizes \(sizes) do not add up to axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: axis, start..<(start + size))
        }
    }

    /// Elements where `mask` (broadcast to this shape) is nonzero are replaced by `value`.
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        guard Broadcast.shape(shape, mask.shape) == shape else {
            preconditionFailure("mask \(mask.shape) does not broadcast to \(shape)")
        }
        let strides = Broadcast.strides(of: mask.shape, in: shape)
        let n = shape.last ?? 1, s = strides.last ?? 0
        var keep = [Bool](repeating: true, count: count)
        Broadcast.forEachRow(shape, [strides]) { outOffset, offsets in
            for j in 0..<n where mask.storage[offsets[0] + j * s] != 0 { keep[outOffset + j] = false }
        }
        var out = storage
        for i in 0..<count where !keep[i] { out[i] = value }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            var delta = result.grad!
            for i in 0..<count where !keep[i] { delta[i] = 0 }
            accumulateGrad(delta)
        }
    }

    /// Rows of a [V, D] table picked by integer ids: ids [..] → [.., D] (PyTorch `nn.Embedding`).
    public static func embedding(_ table: Tensor, ids: [Int32], idShape: [Int]) -> Tensor {
        precondition(table.rank == 2, "embedding table must be [V, D], got \(table.shape)")
        let (vocabulary, d) = (table.shape[0], table.shape[1])
        precondition(ids.count == idShape.reduce(1, *), "\(ids.count) ids do not fill shape \(idShape)")
        let out = uninitializedStorage(ids.count * d) { o in
            table.storage.withUnsafeBufferPointer { t in
                for (i, id) in ids.enumerated() {
                    precondition(id >= 0 && Int(id) < vocabulary, "token id \(id) outside vocabulary of \(vocabulary)")
                    (o.baseAddress! + i * d).update(from: t.baseAddress! + Int(id) * d, count: d)
                }
            }
        }
        return Tensor(shape: idShape + [d], storage: out, parents: [table]) { result in
            result.grad!.withUnsafeBufferPointer { g in
                table.withGradBuffer { dt in
                    for (i, id) in ids.enumerated() { VectorMath.add(g.baseAddress! + i * d, into: dt + Int(id) * d, count: d) }
                }
            }
        }
    }
}
