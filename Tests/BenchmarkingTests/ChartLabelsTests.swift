import Testing
@testable import Benchmarking

/// Label spots worked out by hand: 7 px per character, 12 px lines, spots 9 px beside the point.
@Suite struct ChartLabelsTests {
    @Test func labelsAvoidEachOtherAndTheEdges() {
        var labels = ChartLabels(obstacles: [], bounds: (0, 0, 600, 400))
        // Free: right of the point, baseline 6 px above it.
        #expect(labels.place("student", x: 100, y: 100) == (109, 94, "start"))
        // The same spot of a point 2 px further right would cover the first label: below instead.
        #expect(labels.place("teacher", x: 102, y: 100) == (111, 116, "start"))
        // 9 characters (63 px) do not fit right of x = 590: left of the point, anchored at its end.
        #expect(labels.place("long-name", x: 590, y: 100) == (581, 94, "end"))
    }

    @Test func markersAreObstaclesToo() {
        let marker = ChartLabels.Box(centreX: 115, centreY: 90, width: 12, height: 12)
        var labels = ChartLabels(obstacles: [marker], bounds: (0, 0, 600, 400))
        #expect(labels.place("a", x: 100, y: 100) == (109, 116, "start"))
    }
}
