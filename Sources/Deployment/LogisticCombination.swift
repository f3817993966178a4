import Foundation

/// P(student right) = σ(b + Σ wᵢ·(xᵢ − μᵢ)/sᵢ) over the five certainty signals x, standardised
/// by their calibration-set mean μ and standard deviation s: the learnt `combined` cascade signal.
public struct LogisticCombination: Equatable, Sendable, Codable {
    /// The features, in `Certainty.named` order.
    public static let features = ["vision_certainty", "text_certainty", "confidence", "margin", "entropy"]
    public var mean: [Double]
    public var scale: [Double]
    public var weights: [Double]
    public var bias: Double

    /// Features [N][5] of `certainty`, standardised.
    func standardised(_ certainty: Certainty) -> [[Double]] {
        let columns = certainty.named.map(\.values)
        return (0..<certainty.confidence.count).map { i in
            (0..<columns.count).map { (Double(columns[$0][i]) - mean[$0]) / scale[$0] }
        }
    }

    public func probabilities(_ certainty: Certainty) -> [Float] {
        standardised(certainty).map { x in Float(Self.sigmoid(bias + zip(weights, x).reduce(0) { $0 + $1.0 * $1.1 })) }
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// Fits by Newton's method (iteratively reweighted least squares) with a small L2 penalty on
    /// the weights, from zero: deterministic, and converged in a few steps on five features.
    public static func fit(_ certainty: Certainty, right: [Bool], steps: Int = 25, penalty: Double = 1e-3) -> LogisticCombination {
        let columns = certainty.named.map { $0.values.map(Double.init) }
        let count = Double(right.count)
        let mean = columns.map { $0.reduce(0, +) / count }
        let scale = zip(columns, mean).map { column, mean in
            max((column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot(), 1e-12)
        }
        var model = LogisticCombination(mean: mean, scale: scale, weights: Array(repeating: 0, count: columns.count), bias: 0)
        let rows = model.standardised(certainty).map { [1] + $0 }   // intercept first
        let width = rows.first?.count ?? 1
        var theta = [Double](repeating: 0, count: width)
        for _ in 0..<steps {
            var gradient = [Double](repeating: 0, count: width)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: width), count: width)
            for (x, y) in zip(rows, right) {
                let p = sigmoid(zip(theta, x).reduce(0) { $0 + $1.0 * $1.1 })
                let residual = p - (y ? 1 : 0), curvature = p * (1 - p)
                for j in 0..<width {
                    gradient[j] += residual * x[j]
                    for k in 0..<width { hessian[j][k] += curvature * x[j] * x[k] }
                }
            }
            for j in 1..<width {
                gradient[j] += penalty * count * theta[j]
                hessian[j][j] += penalty * count
            }
            for j in 0..<width { hessian[j][j] += 1e-9 }
            let step = solve(hessian, gradient)
            theta = zip(theta, step).map { $0 - $1 }
        }
        model.bias = theta[0]
        model.weights = Array(theta.dropFirst())
        return model
    }

    /// x with A·x = b, by Gaussian elimination with partial pivoting (A small and positive definite).
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var a = a, b = b
        let n = b.count
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            let known = ((row + 1)..<n).reduce(0) { $0 + a[row][$1] * x[$1] }
            x[row] = (b[row] - known) / a[row][row]
        }
        return x
    }
}
