extension Tensor {
    /// Sum over `axis`; the axis is kept with extent 1 when `keepingAxis`, else removed.
    /// [.., N, ..] → [.., ..]
    public func sum(axis: Int, keepingAxis: Bool = false) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        precondition(axis >= 0 && axis < rank, "sum axis \(axis) out of range for shape \(shape)")
        let (outer, n, inner) = (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
        var out = [Float](repeating: 0, count: outer * inner)
        storage.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for a in 0..<outer {
                    for j in 0..<n {
                        VectorMath.add(x.baseAddress! + (a * n + j) * inner, into: o.baseAddress! + a * inner, count: inner)
                    }
                }
            }
        }
        var outShape = shape
        if keepingAxis { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        return Tensor(shape: outShape, storage: out, parents: [self]) { [self] result in
            let g = result.grad!
            withGradBuffer { dx in
                g.withUnsafeBufferPointer { gp in
                    for a in 0..<outer {
                        for j in 0..<n {
                            VectorMath.add(gp.baseAddress! + a * inner, into: dx + (a * n + j) * inner, count: inner)
                        }
                    }
                }
            }
        }
    }

    /// Mean over `axis`. [.., N, ..] → [.., ..]
    public func mean(axis: Int, keepingAxis: Bool = false) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        return sum(axis: axis, keepingAxis: keepingAxis) * (1 / Float(shape[axis]))
    }

    /// Sum of all elements → scalar [].
    public func sum() -> Tensor {
        reshaped([count]).sum(axis: 0)
    }

    /// Mean of all elements → scalar [].
    public func mean() -> Tensor {
        sum() * (1 / Float(max(count, 1)))
    }
}
