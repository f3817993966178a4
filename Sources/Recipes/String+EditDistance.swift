extension String {
    /// Edits (insert, delete or replace a character, or swap two adjacent ones) that turn `self` into
    /// `other`: the optimal-string-alignment distance, so `"epcohs"` is 1 away from `"epochs"`.
    func editDistance(to other: String) -> Int {
        let a = Array(self), b = Array(other)
        // distance[i][j]: edits from a[..<i] to b[..<j].
        var distance = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : (j == 0 ? i : 0) } }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = distance[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                distance[i][j] = Swift.min(distance[i - 1][j] + 1, distance[i][j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    distance[i][j] = Swift.min(distance[i][j], distance[i - 2][j - 2] + 1)
                }
            }
        }
        return distance[a.count][b.count]
    }

    /// The candidate a typo most likely meant: the nearest within 2 edits and fewer edits than its
    /// length (so `"x"` suggests nothing for `"lr"`); the earliest candidate wins a tie.
    func closest(among candidates: some Sequence<String>) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(to: candidate)
            if distance <= 2, distance < candidate.count, distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }
}
