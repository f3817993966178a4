import Foundation
import TensorCore

/// Naive Double-precision loops the losses are checked against; they share no code with Distillation.
enum Reference {
    /// Row `row` of a tensor viewed as [count / n, n], widened to Double.
    static func row(_ x: Tensor, _ row: Int) -> [Double] {
        let n = x.shape.last!
        return (0..<n).map { Double(x.storage[row * n + $0]) }
    }

    /// e^(x_j − max) / Σ_k e^(x_k − max)
    static func softmax(_ x: [Double]) -> [Double] {
        let maximum = x.max()!
        var total = 0.0
        for value in x { total += exp(value - maximum) }
        return x.map { exp($0 - maximum) / total }
    }

    /// Σ_j p_j (log p_j − log q_j), with p·log p = 0 where p = 0.
    static func klDivergence(_ p: [Double], _ q: [Double]) -> Double {
        var total = 0.0
        for j in p.indices where p[j] > 0 { total += p[j] * (log(p[j]) - log(q[j])) }
        return total
    }

    /// x / ‖x‖₂
    static func normalized(_ x: [Double]) -> [Double] {
        var squares = 0.0
        for value in x { squares += value * value }
        return x.map { $0 / sqrt(squares) }
    }

    /// Cosine similarities / τ: S[i][j] = v̂_i · t̂_j / τ for [B, D] inputs → B × B.
    static func similarity(_ vision: Tensor, _ text: Tensor, temperature: Double) -> [[Double]] {
        let batch = vision.shape[0]
        let v = (0..<batch).map { normalized(row(vision, $0)) }
        let t = (0..<batch).map { normalized(row(text, $0)) }
        var s = [[Double]](repeating: [Double](repeating: 0, count: batch), count: batch)
        for i in 0..<batch {
            for j in 0..<batch {
                for d in v[i].indices { s[i][j] += v[i][d] * t[j][d] }
                s[i][j] /= temperature
            }
        }
        return s
    }

    /// The transpose of a square matrix.
    static func transposed(_ m: [[Double]]) -> [[Double]] {
        m.indices.map { j in m.indices.map { i in m[i][j] } }
    }
}
