import Foundation

/// report.svg: test accuracy (y, %) against p50 latency per batch (x, ms, log scale), one point per
/// model and batch size, each labelled with the model's name, a marker style and colour per batch
/// size, and each batch size's Pareto frontier as a dashed step line. Plain SVG 1.1, no scripts.
///
/// Every point is a `<g class="point" data-model="…" data-batch="…">` and every frontier a
/// `<polyline class="frontier" data-batch="…">`, so the chart can be checked by parsing it.
extension BenchmarkReport {
    private static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    private static let width = 820.0, height = 520.0
    private static let plotLeft = 70.0, plotRight = 600.0, plotTop = 60.0, plotBottom = 460.0

    public func svg() -> String {
        let series = settings.batchSizes.map { (batchSize: $0, points: points(batchSize: $0)) }
        let allPoints = series.flatMap(\.points)
        let plotted = allPoints + settings.batchSizes.flatMap { cascadeCurves(batchSize: $0).flatMap(\.points) }
        let decades = ChartAxes.decades(enclosing: plotted.map(\.latency))
        let (percentRange, percentStep) = ChartAxes.percentRange(enclosing: plotted.map { 100 * $0.accuracy })
        func x(_ milliseconds: Double) -> Double {
            let position = (log10(milliseconds) - Double(decades.lowerBound)) / Double(decades.upperBound - decades.lowerBound)
            return Self.plotLeft + position * (Self.plotRight - Self.plotLeft)
        }
        func y(_ percent: Double) -> Double {
            let position = (percent - percentRange.lowerBound) / (percentRange.upperBound - percentRange.lowerBound)
            return Self.plotBottom - position * (Self.plotBottom - Self.plotTop)
        }

        let (widthText, heightText) = (Self.number(Self.width), Self.number(Self.height))
        let svgOpen = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(widthText)" height="\#(heightText)""#
            + #" viewBox="0 0 \#(widthText) \#(heightText)""#
            + #" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
        let caption = Self.escape("\(machine.cpuModel), \(ReportFormat.counted(machine.threads, "thread")), \(machine.simd), "
                                  + "OpenBLAS \(machine.blasCore); \(sampleCount) samples of \(dataSource)")
        var svg = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            svgOpen,
            #"<rect width="100%" height="100%" fill="white"/>"#,
            #"<text x="\#(Self.plotLeft)" y="24" font-size="16" font-weight="bold">Test accuracy against p50 latency</text>"#,
            #"<text x="\#(Self.plotLeft)" y="42" fill="dimgray">\#(caption)</text>"#,
        ]
        // Grid and ticks: a labelled line at every decade, faint lines at 2…9 times each decade.
        svg.append(#"<g class="x-axis" stroke="silver">"#)
        for exponent in decades {
            let decade = pow(10, Double(exponent))
            svg.append(Self.line(x(decade), Self.plotTop, x(decade), Self.plotBottom, stroke: "#bbb"))
            if exponent < decades.upperBound {
                for multiple in 2...9 {
                    let position = x(Double(multiple) * decade)
                    svg.append(Self.line(position, Self.plotTop, position, Self.plotBottom, stroke: "#eee"))
                }
            }
            svg.append(#"<text x="\#(Self.number(x(decade)))" y="\#(Self.number(Self.plotBottom + 18))" text-anchor="middle""#
                       + #" stroke="none" fill="black">\#(ChartAxes.decadeLabel(exponent))</text>"#)
        }
        svg.append("</g>")
        svg.append(#"<g class="y-axis">"#)
        for percent in stride(from: percentRange.lowerBound, through: percentRange.upperBound + 1e-9, by: percentStep) {
            svg.append(Self.line(Self.plotLeft, y(percent), Self.plotRight, y(percent), stroke: "#ddd"))
            svg.append(#"<text x="\#(Self.number(Self.plotLeft - 8))" y="\#(Self.number(y(percent) + 4))" text-anchor="end">"#
                       + #"\#(String(format: "%g", percent))</text>"#)
        }
        svg.append("</g>")
        svg.append(#"<rect x="\#(Self.plotLeft)" y="\#(Self.plotTop)" width="\#(Self.plotRight - Self.plotLeft)""#
                   + #" height="\#(Self.plotBottom - Self.plotTop)" fill="none" stroke="black"/>"#)
        svg.append(#"<text x="\#(Self.number((Self.plotLeft + Self.plotRight) / 2))" y="\#(Self.number(Self.plotBottom + 40))""#
                   + #" text-anchor="middle">p50 latency per batch (ms, log scale)</text>"#)
        svg.append(#"<text transform="translate(20 \#(Self.number((Self.plotTop + Self.plotBottom) / 2))) rotate(-90)""#
                   + #" text-anchor="middle">test accuracy (%)</text>"#)
        if allPoints.isEmpty {
            svg.append(#"<text x="\#(Self.number((Self.plotLeft + Self.plotRight) / 2))""#
                       + #" y="\#(Self.number((Self.plotTop + Self.plotBottom) / 2))""#
                       + #" text-anchor="middle" fill="darkred">no model could be measured</text>"#)
        }

        svg += seriesElements(series, x: x, y: y)
        svg += legendElements()
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// Each batch size's Pareto frontier and labelled points, on the plot's scales `x` (ms) and `y` (%).
    private func seriesElements(_ series: [(batchSize: Int, points: [ParetoPoint])],
                                x: (Double) -> Double, y: (Double) -> Double) -> [String] {
        var svg: [String] = []
        let allPoints = series.flatMap(\.points)
        let markers = allPoints.map { ChartLabels.Box(centreX: x($0.latency), centreY: y(100 * $0.accuracy), width: 12, height: 12) }
        var labels = ChartLabels(obstacles: markers, bounds: (Self.plotLeft, Self.plotTop, Self.plotRight, Self.plotBottom))
        for (index, (batchSize, points)) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            for curve in cascadeCurves(batchSize: batchSize) {
                let corners = curve.points.map { "\(Self.number(x($0.latency))),\(Self.number(y(100 * $0.accuracy)))" }
                svg.append(#"<polyline class="cascade-curve" data-model="\#(Self.escape(curve.name))" data-batch="\#(batchSize)""#
                           + #" fill="none" stroke="\#(colour)" stroke-width="1" stroke-dasharray="1 3""#
                           + #" points="\#(corners.joined(separator: " "))"/>"#)
            }
            // The frontier as a step line: across at each model's accuracy to the next, then up.
            var corners: [(Double, Double)] = []
            for point in ParetoFrontier.frontier(of: points) {
                if let last = corners.last { corners.append((x(point.latency), last.1)) }
                corners.append((x(point.latency), y(100 * point.accuracy)))
            }
            let cornerList = corners.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
            svg.append(#"<polyline class="frontier" data-batch="\#(batchSize)" fill="none" stroke="\#(colour)""#
                       + #" stroke-width="1.5" stroke-dasharray="6 4" points="\#(cornerList)"/>"#)
            for point in points {
                let (px, py) = (x(point.latency), y(100 * point.accuracy))
                let name = Self.escape(point.name)
                let label = labels.place(point.name, x: px, y: py)
                svg.append(#"<g class="point" data-model="\#(name)" data-batch="\#(batchSize)">"#)
                svg.append("<title>\(name), batch \(batchSize): \(ReportFormat.milliseconds(point.latency)) ms, "
                           + "\(ReportFormat.percent(point.accuracy))</title>")
                svg.append(Self.marker(index, x: px, y: py, colour: colour))
                svg.append(#"<text x="\#(Self.number(label.x))" y="\#(Self.number(label.y))" text-anchor="\#(label.anchor)""#
                           + #" fill="\#(colour)">\#(name)</text>"#)
                svg.append("</g>")
            }
        }
        return svg
    }

    /// The legend, right of the plot: a marker and a dashed frontier line per batch size, and the run's passes.
    private func legendElements() -> [String] {
        var svg: [String] = []
        let legendX = Self.plotRight + 24
        svg.append(#"<g class="legend">"#)
        svg.append(#"<text x="\#(Self.number(legendX))" y="\#(Self.number(Self.plotTop + 4))" font-weight="bold">Batch size</text>"#)
        for (index, batchSize) in settings.batchSizes.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let rowY = Self.plotTop + 26 + Double(index) * 40
            svg.append(Self.marker(index, x: legendX + 8, y: rowY, colour: colour))
            svg.append(#"<text x="\#(Self.number(legendX + 22))" y="\#(Self.number(rowY + 4))">batch \#(batchSize)</text>"#)
            svg.append(Self.line(legendX, rowY + 16, legendX + 16, rowY + 16, stroke: colour, dashed: true))
            svg.append(#"<text x="\#(Self.number(legendX + 22))" y="\#(Self.number(rowY + 20))" fill="dimgray">Pareto frontier</text>"#)
        }
        svg.append(#"<text x="\#(Self.number(legendX))" y="\#(Self.number(Self.plotBottom - 24))" fill="dimgray">"#
                   + #"up and left is better</text>"#)
        svg.append(#"<text x="\#(Self.number(legendX))" y="\#(Self.number(Self.plotBottom - 8))" fill="dimgray">"#
                   + #"\#(settings.iterations) passes, \#(settings.warmup) warm-up</text>"#)
        svg.append("</g>")
        return svg
    }

    /// Marker `index` (circle, square, triangle, diamond, …) centred on (x, y).
    private static func marker(_ index: Int, x: Double, y: Double, colour: String) -> String {
        let style = #"fill="\#(colour)" stroke="white" stroke-width="1""#
        switch index % 4 {
        case 0: return #"<circle cx="\#(number(x))" cy="\#(number(y))" r="5" \#(style)/>"#
        case 1: return #"<rect x="\#(number(x - 4.5))" y="\#(number(y - 4.5))" width="9" height="9" \#(style)/>"#
        case 2:
            return #"<polygon points="\#(number(x)),\#(number(y - 6)) \#(number(x - 5.5)),\#(number(y + 4))"#
                + #" \#(number(x + 5.5)),\#(number(y + 4))" \#(style)/>"#
        default:
            return #"<polygon points="\#(number(x)),\#(number(y - 6)) \#(number(x + 6)),\#(number(y))"#
                + #" \#(number(x)),\#(number(y + 6)) \#(number(x - 6)),\#(number(y))" \#(style)/>"#
        }
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, dashed: Bool = false) -> String {
        let dash = dashed ? #" stroke-width="1.5" stroke-dasharray="6 4""# : ""
        return #"<line x1="\#(number(x1))" y1="\#(number(y1))" x2="\#(number(x2))" y2="\#(number(y2))" stroke="\#(stroke)"\#(dash)/>"#
    }

    /// A coordinate with at most two decimals.
    private static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Text safe inside XML elements and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Each cascade's accuracy over teacher shares at `batchSize`, with latency modelled from its
    /// members' measured p50s in this report (student + share × teacher); cascades whose members
    /// are not rows of the report have no curve.
    func cascadeCurves(batchSize: Int) -> [(name: String, points: [ParetoPoint])] {
        entries.compactMap { entry in
            guard let measurement = entry.measurement, let members = measurement.members, members.count == 2,
                  let curve = measurement.cascadeCurve else { return nil }
            let latencies = members.map { member in
                entries.first { $0.path == member || URL(fileURLWithPath: $0.path).standardizedFileURL.path
                                == URL(fileURLWithPath: member).standardizedFileURL.path }?.measurement?.latency[batchSize]?.p50
            }
            guard let student = latencies[0], let teacher = latencies[1] else { return nil }
            return (entry.name, curve.map {
                ParetoPoint(name: entry.name, latency: student + $0.teacherShare * teacher, accuracy: $0.accuracy)
            })
        }
    }
}
