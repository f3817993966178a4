import TensorCore

/// Which positions a masking stage hides in one sample: round(ratio · n) of its n candidate
/// positions (at least 1 when there is one), drawn from (seed, epoch, sample index) alone, so a
/// resumed run hides exactly what an uninterrupted one would.
enum StageMask {
    /// candidates: the positions that may be hidden → the hidden ones, ascending.
    static func positions(_ candidates: [Int], ratio: Float, seed: UInt64, epoch: Int, sample: Int) -> [Int] {
        guard !candidates.isEmpty else { return [] }
        let hidden = max(1, Int((ratio * Float(candidates.count)).rounded()))
        var generator = RandomGenerator(seed: seed &+ UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(sample) &* 0xBF58_476D_1CE4_E5B9)
        var pool = candidates
        // A partial Fisher–Yates shuffle: the first `hidden` entries are a uniform draw.
        for i in 0..<min(hidden, pool.count - 1) { pool.swapAt(i, i + generator.integer(below: pool.count - i)) }
        return pool.prefix(hidden).sorted()
    }
}
