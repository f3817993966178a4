/// Whether ops record an autograd graph; off inside `Tensor.withoutGradients`.
enum GradientMode {
    @TaskLocal static var isEnabled = true
}

extension Tensor {
    /// Runs `body` without recording any graph: the inference path (no tape, no gradient buffers).
    public static func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
        try GradientMode.$isEnabled.withValue(false) { try body() }
    }

    /// Back-propagates from this tensor: fills `.grad` of every tensor in its graph that requires one.
    /// - Parameter seed: d(root)/d(self), defaulting to ones (so a scalar loss gets 1).
    public func backward(seed: [Float]? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        accumulateGrad(seed ?? [Float](repeating: 1, count: count))
        for node in topologicalOrder().reversed() {
            guard node.grad != nil, let function = node.backwardFunction else { continue }
            function(node)
        }
    }

    /// Nodes reachable from `self`, each after all of its parents (iterative, so deep graphs don't overflow).
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Tensor, parentIndex: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, index) = stack.popLast() {
            if index < node.parents.count {
                stack.append((node, index + 1))
                let parent = node.parents[index]
                if parent.requiresGrad, visited.insert(ObjectIdentifier(parent)).inserted {
                    stack.append((parent, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }

    /// Adds `delta` (same layout as `storage`) into `grad`.
    func accumulateGrad(_ delta: [Float]) {
        precondition(delta.count == count, "gradient has \(delta.count) elements, tensor has \(count)")
        if grad == nil { grad = delta; return }
        grad!.withUnsafeMutableBufferPointer { g in
            delta.withUnsafeBufferPointer { d in VectorMath.add(d.baseAddress!, into: g.baseAddress!, count: count) }
        }
    }

    /// Calls `body(buffer, beta)` for a product that writes the whole gradient: beta is 1 when a
    /// gradient exists (accumulate into it) and 0 when it does not (the fresh buffer is
    /// uninitialised and overwritten, which saves zeroing it).
    func withWholeGradBuffer<R>(_ body: (UnsafeMutablePointer<Float>, Float) -> R) -> R {
        if grad != nil { return withGradBuffer { body($0, 1) } }
        var result: R?
        grad = uninitializedStorage(count) { result = body($0.baseAddress!, 0) }
        return result!
    }

    /// Calls `body` with a mutable pointer to `grad`, creating a zero gradient first if needed.
    func withGradBuffer<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        if grad == nil { grad = [Float](repeating: 0, count: count) }
        return grad!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
