/// The results table, shared by the terminal and report.md: one row per model and batch size, the
/// model's own columns on its first row only; a failed model is one row of its name and the error.
extension BenchmarkReport {
    static let tableHeader = ["model", "precision", "params", "size", "MFLOP/sample", "accuracy", "retained",
                              "batch", "p50 ms", "p90 ms", "p99 ms", "samples/s", "speed-up", "GFLOP/s", "% sgemm", "% peak"]
    /// Columns whose text is left-aligned; the rest are numbers, right-aligned.
    static let textColumns: Set<Int> = [0, 1]

    /// Cells of every row; a failed model's row has two cells (name, "failed: …").
    func tableRows() -> [[String]] {
        var rows: [[String]] = []
        for entry in entries {
            guard let measurement = entry.measurement else {
                rows.append([entry.name, "failed: \(entry.error ?? "")"])
                continue
            }
            let modelCells = [entry.name, measurement.precision, ReportFormat.count(measurement.parameters),
                              ReportFormat.bytes(measurement.bytes), ReportFormat.megaFLOPs(measurement.flopsPerSample),
                              measurement.accuracy.map { ReportFormat.percent($0) } ?? "—",
                              accuracyRetained(measurement).map { ReportFormat.percent($0, decimals: 1) } ?? "—"]
            for (index, batchSize) in settings.batchSizes.enumerated() {
                guard let latency = measurement.latency[batchSize] else { continue }
                let batchCells = [String(batchSize), ReportFormat.milliseconds(latency.p50), ReportFormat.milliseconds(latency.p90),
                                  ReportFormat.milliseconds(latency.p99),
                                  measurement.throughput(batchSize: batchSize).map(ReportFormat.rate) ?? "—",
                                  speedup(measurement, batchSize: batchSize).map(ReportFormat.factor) ?? "—",
                                  measurement.gigaflops(batchSize: batchSize).map { String(format: "%.1f", $0) } ?? "—",
                                  fractionOfSGEMM(measurement, batchSize: batchSize).map { ReportFormat.percent($0, decimals: 0) } ?? "—",
                                  fractionOfPeak(measurement, batchSize: batchSize).map { ReportFormat.percent($0, decimals: 0) } ?? "—"]
                rows.append((index == 0 ? modelCells : Array(repeating: "", count: modelCells.count)) + batchCells)
            }
        }
        return rows
    }

    /// The table aligned in columns, with a line about the machine above it.
    public func terminalTable() -> String {
        let header = Self.tableHeader, rows = tableRows()
        var widths = header.map(\.count)
        for row in rows where row.count == header.count {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            guard cells.count == header.count else { return cells.joined(separator: "  ") }
            return cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return Self.textColumns.contains(column) ? cell + padding : padding + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        let warning = machine.slowSGEMMWarning(sgemmGFLOPS).map { ["warning: " + $0] } ?? []
        return ([machineSummary] + warning + [line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// "AMD EPYC 7B13, 2 cores, 2 threads, AVX2+FMA, OpenBLAS core Zen; sgemm 512×512×512 98.1 GFLOP/s (63% of
    /// the 156.8 GFLOP/s peak); 2000 samples of test.h5; …"
    var machineSummary: String {
        let shape = sgemmShape.map(String.init).joined(separator: "×")
        return "\(machine.cpuModel), \(ReportFormat.counted(machine.logicalCores, "core")), "
            + "\(ReportFormat.counted(machine.threads, "thread")), \(machine.simd), "
            + "OpenBLAS core \(machine.blasCore); "
            + "sgemm \(shape) \(String(format: "%.1f", sgemmGFLOPS)) GFLOP/s\(machine.peakClause(sgemmGFLOPS)); "
            + "\(sampleCount) samples of \(dataSource); "
            + "p50/p90/p99 of \(settings.iterations) passes after \(settings.warmup) warm-up"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
