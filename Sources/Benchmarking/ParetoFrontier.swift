/// A model placed by latency and accuracy, for the Pareto frontier.
public struct ParetoPoint: Equatable, Sendable {
    public var name: String
    /// Lower is better (milliseconds).
    public var latency: Double
    /// Higher is better.
    public var accuracy: Double

    public init(name: String, latency: Double, accuracy: Double) {
        self.name = name
        self.latency = latency
        self.accuracy = accuracy
    }

    /// Whether this point is at least as good as `other` on both axes and better on one.
    public func dominates(_ other: ParetoPoint) -> Bool {
        latency <= other.latency && accuracy >= other.accuracy && (latency < other.latency || accuracy > other.accuracy)
    }
}

public enum ParetoFrontier {
    /// The points no other point dominates, by ascending latency (then descending accuracy, then
    /// name). Equal points do not dominate each other, so both stay. Along the result accuracy never
    /// falls as latency grows: each slower frontier model buys its extra latency with accuracy.
    public static func frontier(of points: [ParetoPoint]) -> [ParetoPoint] {
        points.filter { point in !points.contains { $0.dominates(point) } }
            .sorted { ($0.latency, -$0.accuracy, $0.name) < ($1.latency, -$1.accuracy, $1.name) }
    }
}
