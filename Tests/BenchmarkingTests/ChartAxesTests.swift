import Testing
@testable import Benchmarking

@Suite struct ChartAxesTests {
    @Test func decadesEncloseTheLatencies() {
        #expect(ChartAxes.decades(enclosing: [0.6, 2, 53]) == -1...2)   // 0.1 … 100 ms
        #expect(ChartAxes.decades(enclosing: [1, 10]) == 0...1)
        #expect(ChartAxes.decades(enclosing: [3, 4]) == 0...1)          // within one decade: still one wide
        #expect(ChartAxes.decades(enclosing: [20]) == 1...2)
        #expect(ChartAxes.decades(enclosing: []) == -1...2)
    }

    @Test func decadeLabels() {
        #expect([-2, -1, 0, 1, 3].map(ChartAxes.decadeLabel) == ["0.01", "0.1", "1", "10", "1000"])
    }

    @Test func percentRangeHasRoundEnds() {
        // 47 … 48.5: margin 2 → 45 … 50.5, span 5.5 → step 1; ends 45 and 51.
        let narrow = ChartAxes.percentRange(enclosing: [47, 48.5])
        #expect(narrow.range == 45...51 && narrow.step == 1)
        // 20 … 50: margin 3 → 17 … 53, span 36 → step 5; ends 15 and 55.
        let wide = ChartAxes.percentRange(enclosing: [20, 50])
        #expect(wide.range == 15...55 && wide.step == 5)
        // Clamped to 0 … 100.
        #expect(ChartAxes.percentRange(enclosing: [1, 99]).range == 0...100)
    }
}
