/// report.csv: one row per model and batch size (RFC 4180 quoting). Accuracy and retained accuracy
/// are fractions; a failed model has one row with its error and the measured columns empty.
extension BenchmarkReport {
    static let csvHeader = ["name", "path", "precision", "params", "bytes", "flops_per_sample", "accuracy", "accuracy_retained",
                            "batch_size", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "throughput_samples_per_s",
                            "speedup", "gflops", "fraction_of_sgemm", "fraction_of_peak", "error"]

    public func csv() -> String {
        var lines = [Self.csvHeader.joined(separator: ",")]
        for entry in entries {
            guard let measurement = entry.measurement else {
                lines.append(Self.csvLine([entry.name, entry.path] + Array(repeating: "", count: Self.csvHeader.count - 3)
                                          + [entry.error ?? ""]))
                continue
            }
            for batchSize in settings.batchSizes {
                guard let latency = measurement.latency[batchSize] else { continue }
                let modelCells = [entry.name, entry.path, measurement.precision, String(measurement.parameters), String(measurement.bytes),
                                  String(measurement.flopsPerSample), measurement.accuracy.map { "\($0)" } ?? "",
                                  accuracyRetained(measurement).map { "\(ReportFormat.rounded($0, places: 6))" } ?? ""]
                let latencyCells = [latency.p50, latency.p90, latency.p99].map { "\(ReportFormat.rounded($0, places: 4))" }
                let throughput = measurement.throughput(batchSize: batchSize).map { "\(ReportFormat.rounded($0, places: 2))" } ?? ""
                let speedupCell = speedup(measurement, batchSize: batchSize).map { "\(ReportFormat.rounded($0, places: 4))" } ?? ""
                let efficiency = [measurement.gigaflops(batchSize: batchSize), fractionOfSGEMM(measurement, batchSize: batchSize),
                                  fractionOfPeak(measurement, batchSize: batchSize)]
                    .map { $0.map { "\(ReportFormat.rounded($0, places: 4))" } ?? "" }
                let cells: [String] = modelCells + [String(batchSize)] + latencyCells + [throughput, speedupCell] + efficiency + [""]
                lines.append(Self.csvLine(cells))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Cells joined by commas; a cell with a comma, quote or line break is quoted, its quotes doubled.
    static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",")
    }
}
