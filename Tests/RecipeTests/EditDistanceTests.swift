import Testing
@testable import Recipes

/// Edit distances counted by hand.
@Suite struct EditDistanceTests {
    @Test(arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("epoch", "epochs", 1), ("kitten", "sitting", 3),
        ("epcohs", "epochs", 1), ("lr", "rl", 1), ("temprature", "temperature", 1), ("batchsize", "batch_size", 1),
        // Optimal string alignment edits no substring twice, so "ca" → "abc" takes 3, not 2.
        ("ca", "abc", 3),
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(a.editDistance(to: b) == expected)
        #expect(b.editDistance(to: a) == expected)
    }

    @Test func closestKey() {
        let keys = ["epochs", "batch_size", "lr", "weight_decay"]
        #expect("epoch".closest(among: keys) == "epochs")
        #expect("batchsize".closest(among: keys) == "batch_size")
        #expect("lrr".closest(among: keys) == "lr")
        #expect("x".closest(among: keys) == nil)  // 2 edits from "lr", but that is every character of it
        #expect("momentum".closest(among: keys) == nil)
    }
}
