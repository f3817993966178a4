/// NumPy/PyTorch broadcasting: shapes align at their last axis; an axis of extent 1 stretches.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or nil when they are incompatible.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let x = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let y = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            out[axis] = x == 1 ? y : x
        }
        return out
    }

    /// Element strides of `operand` read as `shape`: 0 on the axes it is broadcast along.
    static func strides(of operand: [Int], in shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let operandAxis = axis - (shape.count - operand.count)
            guard operandAxis >= 0 else { break }
            strides[axis] = operand[operandAxis] == 1 ? 0 : step
            step *= operand[operandAxis]
        }
        return strides
    }

    /// Visits each row (last axis) of `shape`: `body(outOffset, offsets of each operand)`.
    /// Operand `i` advances by `strides[i].last` along the row.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ strides: [[Int]], _ body: (Int, [Int]) -> Void) {
        let shape = shape.isEmpty ? [1] : shape
        let strides = strides.map { $0.isEmpty ? [0] : $0 }
        let rowLength = shape[shape.count - 1]
        let rows = shape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count - 1)
        var offsets = [Int](repeating: 0, count: strides.count)
        for row in 0..<rows {
            body(row * rowLength, offsets)
            // Odometer increment over the outer axes, keeping operand offsets in step.
            var axis = shape.count - 2
            while axis >= 0 {
                index[axis] += 1
                for i in 0..<strides.count { offsets[i] += strides[i][axis] }
                if index[axis] < shape[axis] { break }
                for i in 0..<strides.count { offsets[i] -= strides[i][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
