import Foundation

/// The binary elementwise operators, applied with broadcasting.
enum BinaryOperator {
    case add, subtract, multiply, divide
}

extension Tensor {
    /// out = a ∘ b with broadcasting; a and b shapes broadcast to the output shape.
    static func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOperator) -> Tensor {
        guard let shape = Broadcast.shape(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                broadcastApply(op, ap.baseAddress!, a.shape, bp.baseAddress!, b.shape, shape)
            }
        }
        return Tensor(shape: shape, storage: out, parents: [a, b]) { result in
            let g = result.grad!
            switch op {
            case .add:
                a.accumulateBroadcastGrad(g, from: shape)
                b.accumulateBroadcastGrad(g, from: shape)
            case .subtract:
                a.accumulateBroadcastGrad(g, from: shape)
                if b.requiresGrad { b.accumulateBroadcastGrad(g.map { -$0 }, from: shape) }
            case .multiply:
                if a.requiresGrad { a.accumulateBroadcastGrad(product(g, shape, b, .multiply), from: shape) }
                if b.requiresGrad { b.accumulateBroadcastGrad(product(g, shape, a, .multiply), from: shape) }
            case .divide:
                if a.requiresGrad { a.accumulateBroadcastGrad(product(g, shape, b, .divide), from: shape) }
                if b.requiresGrad {
                    // d(a/b)/db = -(a/b)/b = -out/b
                    let quotient = product(result.storage, shape, b, .divide)
                    var dB = product(g, shape, Tensor(shape: shape, storage: quotient), .multiply)
                    for i in dB.indices { dB[i] = -dB[i] }
                    b.accumulateBroadcastGrad(dB, from: shape)
                }
            }
        }
    }

    /// `full` (laid out as `shape`) combined with `operand` broadcast to `shape`.
    private static func product(_ full: [Float], _ shape: [Int], _ operand: Tensor, _ op: BinaryOperator) -> [Float] {
        full.withUnsafeBufferPointer { fp in
            operand.storage.withUnsafeBufferPointer { op2 in
                broadcastApply(op, fp.baseAddress!, shape, op2.baseAddress!, operand.shape, shape)
            }
        }
    }

    private static func broadcastApply(_ op: BinaryOperator, _ a: UnsafePointer<Float>, _ aShape: [Int],
                                       _ b: UnsafePointer<Float>, _ bShape: [Int], _ shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        return uninitializedStorage(count) { out in
            let o = out.baseAddress!
            if aShape == bShape {
                // The operator is chosen outside the loop so each loop vectorises.
                switch op {
                case .add: sameShape(a, b, o, count) { $0 + $1 }
                case .subtract: sameShape(a, b, o, count) { $0 - $1 }
                case .multiply: sameShape(a, b, o, count) { $0 * $1 }
                case .divide: sameShape(a, b, o, count) { $0 / $1 }
                }
                return
            }
            // One operand whole, the other a block repeated along leading axes ([B, P, D] + [P, D]).
            if aShape == shape && bShape.count >= 2 && shape.suffix(bShape.count).elementsEqual(bShape) {
                return repeatedBlocks(op, a, b, o, count, bShape.reduce(1, *))
            }
            // One operand whole, the other a value per row ([B, T, D] · [B, T, 1]).
            if aShape == shape && bShape == shape.dropLast() + [1] {
                return rowValues(op, a, b, o, count / max(shape.last ?? 1, 1), shape.last ?? 1)
            }
            switch op {
            case .add: broadcastRows(a, aShape, b, bShape, o, shape) { $0 + $1 }
            case .subtract: broadcastRows(a, aShape, b, bShape, o, shape) { $0 - $1 }
            case .multiply: broadcastRows(a, aShape, b, bShape, o, shape) { $0 * $1 }
            case .divide: broadcastRows(a, aShape, b, bShape, o, shape) { $0 / $1 }
            }
        }
    }

    @inline(__always)
    private static func broadcastRows(_ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>, _ bShape: [Int],
                                      _ o: UnsafeMutablePointer<Float>, _ shape: [Int], _ f: (Float, Float) -> Float) {
        let strides = [Broadcast.strides(of: aShape, in: shape), Broadcast.strides(of: bShape, in: shape)]
        let n = shape.last ?? 1
        let (sa, sb) = (strides[0].last ?? 0, strides[1].last ?? 0)
        Broadcast.forEachRow(shape, strides) { outOffset, offsets in
            let (ap, bp, row) = (a + offsets[0], b + offsets[1], o + outOffset)
            if sa == 1 && sb == 1 {
                for j in 0..<n { row[j] = f(ap[j], bp[j]) }
            } else {
                for j in 0..<n { row[j] = f(ap[j * sa], bp[j * sb]) }
            }
        }
    }

    /// o[i] = a[i] op b[i mod block], in blocks across the cores; a loop per operator, so each vectorises.
    private static func repeatedBlocks(_ op: BinaryOperator, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                       _ o: UnsafeMutablePointer<Float>, _ count: Int, _ block: Int) {
        Parallel.forEachRange(count / block, grain: max(1, (1 << 15) / block)) { blocks in
            for start in stride(from: blocks.lowerBound * block, to: blocks.upperBound * block, by: block) {
                let (x, y) = (a + start, o + start)
                switch op {
                case .add: for j in 0..<block { y[j] = x[j] + b[j] }
                case .subtract: for j in 0..<block { y[j] = x[j] - b[j] }
                case .multiply: for j in 0..<block { y[j] = x[j] * b[j] }
                case .divide: for j in 0..<block { y[j] = x[j] / b[j] }
                }
            }
        }
    }

    /// o[r, j] = a[r, j] op b[r] for `rows` rows of n, across the cores; a loop per operator, so each vectorises.
    private static func rowValues(_ op: BinaryOperator, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                  _ o: UnsafeMutablePointer<Float>, _ rows: Int, _ n: Int) {
        Parallel.forEachRange(rows, grain: max(1, (1 << 15) / max(n, 1))) { range in
            for r in range {
                let (x, y, v) = (a + r * n, o + r * n, b[r])
                switch op {
                case .add: for j in 0..<n { y[j] = x[j] + v }
                case .subtract: for j in 0..<n { y[j] = x[j] - v }
                case .multiply: for j in 0..<n { y[j] = x[j] * v }
                case .divide: for j in 0..<n { y[j] = x[j] / v }
                }
            }
        }
    }

    @inline(__always)
    private static func sameShape(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>,
                                  _ count: Int, _ f: (Float, Float) -> Float) {
        Parallel.forEachRange(count, grain: 1 << 15) { range in
            for i in range { o[i] = f(a[i], b[i]) }
        }
    }

    /// Adds a gradient laid out as the broadcast `shape` into this tensor's gradient, summing
    /// over the axes this tensor was broadcast along.
    func accumulateBroadcastGrad(_ full: [Float], from shape: [Int]) {
        guard requiresGrad else { return }
        if self.shape == shape { accumulateGrad(full); return }
        let strides = Broadcast.strides(of: self.shape, in: shape)
        let n = shape.last ?? 1
        let s = strides.last ?? 0
        full.withUnsafeBufferPointer { fp in
            withGradBuffer { g in
                Broadcast.forEachRow(shape, [strides]) { outOffset, offsets in
                    let src = fp.baseAddress! + outOffset, dst = g + offsets[0]
                    if s == 0 {
                        var total: Float = 0
                        for j in 0..<n { total += src[j] }
                        dst[0] += total
                    } else {
                        for j in 0..<n { dst[j * s] += src[j] }
                    }
                }
            }
        }
    }
}

// MARK: - Operators

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .subtract) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .multiply) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .divide) }

    /// a · s + t for scalars s and t.
    public func affine(scale: Float, shift: Float = 0) -> Tensor {
        let out = uninitializedStorage(count) { o in
            storage.withUnsafeBufferPointer { x in for i in 0..<count { o[i] = x[i] * scale + shift } }
        }
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            accumulateGrad(result.grad!.map { $0 * scale })
        }
    }

    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1) }
}

// MARK: - Unary maps

extension Tensor {
    /// Applies `forward` elementwise; the gradient is dy · `derivative(x, y)`.
    private func map(_ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let out = storage.map(forward)
        return Tensor(shape: shape, storage: out, parents: [self]) { [self] result in
            let g = result.grad!
            var delta = [Float](repeating: 0, count: count)
            for i in 0..<count { delta[i] = g[i] * derivative(storage[i], result.storage[i]) }
            accumulateGrad(delta)
        }
    }

    /// e^x elementwise.
    public func exp() -> Tensor { map(Foundation.exp, derivative: { _, y in y }) }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { map(Foundation.log, derivative: { x, _ in 1 / x }) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { map(Foundation.sqrt, derivative: { _, y in 0.5 / y }) }
    /// x² elementwise.
    public func squared() -> Tensor { map({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// |x| elementwise (gradient sign(x), 0 at 0).
    public func abs() -> Tensor { map(Swift.abs, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
}
