/// monitor.svg: the reference's and the new data's distributions of the consistency (per-sample
/// image–text similarity) and of answer confidence, as outlined histograms side by side. Plain SVG 1.1.
public enum DriftHistogram {
    public static func svg(reference: DriftProfile, data: DriftProfile) -> String {
        let panels = [("image–text similarity (consistency)", reference.similarity, data.similarity, -1.0, 1.0),
                      ("answer confidence", reference.certainty.confidence, data.certainty.confidence, 0.0, 1.0)]
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                     #"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="300" font-family="Helvetica, Arial, sans-serif" "#
                        + #"font-size="12">"#,
                     #"<rect width="100%" height="100%" fill="white"/>"#]
        for (index, (title, p, q, low, high)) in panels.enumerated() {
            let left = 40.0 + Double(index) * 350, top = 40.0, width = 300.0, height = 200.0
            lines.append(#"<text x="\#(left)" y="24" font-weight="bold">\#(title)</text>"#)
            lines.append(#"<rect x="\#(left)" y="\#(top)" width="\#(width)" height="\#(height)" fill="none" stroke="black"/>"#)
            let (a, b) = (shares(p, low: low, high: high), shares(q, low: low, high: high))
            let tallest = max(a.max() ?? 0, b.max() ?? 0, 1e-9)
            for (shares, colour, kind) in [(a, "gray", "reference"), (b, "#d62728", "data")] {
                let barWidth = width / Double(shares.count)
                let points = shares.enumerated().flatMap { bin, share -> [String] in
                    let y = top + height - height * share / tallest
                    return ["\(left + Double(bin) * barWidth),\(y)", "\(left + Double(bin + 1) * barWidth),\(y)"]
                }
                lines.append(#"<polyline class="\#(kind)" fill="none" stroke="\#(colour)" stroke-width="1.5" "#
                             + #"points="\#(points.joined(separator: " "))"/>"#)
            }
            lines.append(#"<text x="\#(left)" y="\#(top + height + 16)">\#(low)</text>"#)
            lines.append(#"<text x="\#(left + width)" y="\#(top + height + 16)" text-anchor="end">\#(high)</text>"#)
        }
        lines.append(#"<text x="40" y="285" fill="gray">gray: reference</text>"#)
        lines.append(##"<text x="160" y="285" fill="#d62728">red: new data</text>"##)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Shares of `values` in 20 equal bins over [low, high] (values outside go to the end bins).
    static func shares(_ values: [Float], low: Double, high: Double) -> [Double] {
        var counts = [Double](repeating: 0, count: 20)
        for value in values {
            let bin = Int((Double(value) - low) / (high - low) * 20)
            counts[max(0, min(19, bin))] += 1
        }
        return counts.map { $0 / Double(max(values.count, 1)) }
    }
}
