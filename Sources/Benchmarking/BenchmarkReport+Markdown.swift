/// report.md: how the figures were measured, the table, the chart and a short reading of them.
extension BenchmarkReport {
    /// Accuracy a compressed model must keep, as a fraction of the baseline's, to be called a candidate.
    public static let retainedThreshold = 0.97

    public func markdown() -> String {
        let shape = sgemmShape.map(String.init).joined(separator: "×")
        var lines = [
            "# Benchmark: \(entries.count) model\(entries.count == 1 ? "" : "s") on \(sampleCount) samples of `\(dataSource)`",
            "",
            "Machine: \(machine.cpuModel), \(ReportFormat.counted(machine.logicalCores, "logical core")), "
                + "\(ReportFormat.counted(machine.threads, "thread")) used, \(machine.simd); "
                + "\(machine.operatingSystem); \(machine.hardwareSummary). "
                + "Plain sgemm (\(shape)) reached \(String(format: "%.1f", sgemmGFLOPS)) GFLOP/s"
                + "\(machine.peakClause(sgemmGFLOPS)) in the same run" + loadSentence + ".",
            "",
            "Latency is the wall-clock time of one forward pass of a whole batch: p50, p90 and p99 (nearest rank) of "
                + "\(settings.iterations) timed passes after \(settings.warmup) warm-up passes, on real samples of the data. "
                + "Throughput is batch size / p50; speed-up is the baseline's p50 / the model's p50; retained is the model's "
                + "accuracy / the baseline's. The baseline is the first model, **\(entries.first?.name ?? "none")**. "
                + "MFLOP/sample counts every matrix product of one forward pass (from the model config); GFLOP/s is MFLOP/sample × "
                + "samples/s, shown as a share of the sgemm yardstick and of the theoretical peak.",
            "",
        ]
        let rows = tableRows()
        let header = Self.tableHeader
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + header.indices.map { Self.textColumns.contains($0) ? "---|" : "---:|" }.joined())
        for row in rows {
            let cells = row.map { $0.replacingOccurrences(of: "|", with: "\\|") }
            lines.append("| " + (cells + Array(repeating: "", count: max(0, header.count - cells.count))).joined(separator: " | ") + " |")
        }
        lines += ["", "![Accuracy against p50 latency, log scale](report.svg)", "", "## Reading", ""]
        lines += reading().map { "- " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    private var loadSentence: String {
        guard let before = machine.loadAverageBefore else { return "" }
        let after = machine.loadAverageAfter.map { String(format: ", %.2f after", $0) } ?? ""
        return String(format: "; load average %.2f before", before) + after
    }

    /// Sentences that say what the table shows, each backed by its figures.
    func reading() -> [String] {
        var sentences: [String] = []
        let measured = entries.filter { $0.measurement != nil }
        guard let baselineEntry = entries.first, let baseline else {
            sentences.append("The baseline (the first model) could not be measured, so no speed-up or retained accuracy is given.")
            return sentences + failureSentences
        }
        let baselineLatency = settings.batchSizes.compactMap { size in
            baseline.latency[size].map { "\(ReportFormat.milliseconds($0.p50)) ms at batch \(size)" }
        }.joined(separator: ", ")
        guard let baselineAccuracy = baseline.accuracy else {
            sentences.append("Baseline **\(baselineEntry.name)**: p50 \(baselineLatency). No labelled data were given, so accuracy "
                             + "was not measured: the latencies are on generated inputs that fit each model.")
            return sentences + failureSentences
        }
        sentences.append("Baseline **\(baselineEntry.name)**: \(ReportFormat.percent(baselineAccuracy)) accuracy, p50 \(baselineLatency).")

        if let best = measured.max(by: { ($0.measurement!.accuracy ?? 0) < ($1.measurement!.accuracy ?? 0) }),
           let accuracy = best.measurement!.accuracy {
            sentences.append("Most accurate: **\(best.name)** (\(ReportFormat.percent(accuracy))).")
        }
        for batchSize in settings.batchSizes {
            let frontier = paretoFrontier(batchSize: batchSize)
            guard !frontier.isEmpty else { continue }
            let steps = frontier.map { "\($0.name) (\(ReportFormat.milliseconds($0.latency)) ms, \(ReportFormat.percent($0.accuracy)))" }
            sentences.append("Pareto frontier at batch \(batchSize), fastest first: " + steps.joined(separator: " → ") + ".")
        }
        sentences.append(bestCandidateSentence(measured: measured))
        let onSomeFrontier = Set(settings.batchSizes.flatMap { paretoFrontier(batchSize: $0).map(\.name) })
        let dominated = measured.map(\.name).filter { !onSomeFrontier.contains($0) }
        if !dominated.isEmpty {
            sentences.append("Dominated at every batch size (another model is at least as fast and as accurate): "
                + dominated.joined(separator: ", ") + ".")
        }
        if let warning = machine.slowSGEMMWarning(sgemmGFLOPS) { sentences.append("Warning: " + warning + ".") }
        // The load average counts the benchmark's own threads too: above the core count, runnable threads queued for a core.
        let busiest = [machine.loadAverageBefore, machine.loadAverageAfter].compactMap { $0 }.max()
        if let busiest, busiest > Double(machine.logicalCores) {
            let format = "The load average reached %.2f on %d cores: more threads were ready to run than there were cores, "
                + "so other processes competed with the benchmark; rerun before trusting differences of a few percent."
            sentences.append(String(format: format, busiest, machine.logicalCores))
        }
        return sentences + failureSentences
    }

    /// The fastest model (worst latency ratio over the batch sizes) that keeps `retainedThreshold` of the baseline's accuracy.
    private func bestCandidateSentence(measured: [BenchmarkEntry]) -> String {
        let threshold = ReportFormat.percent(Self.retainedThreshold, decimals: 0)
        let candidates = measured.dropFirst().compactMap { entry -> (BenchmarkEntry, ratios: [Double], retained: Double)? in
            let measurement = entry.measurement!
            guard let retained = accuracyRetained(measurement), retained >= Self.retainedThreshold else { return nil }
            let ratios = settings.batchSizes.compactMap { speedup(measurement, batchSize: $0).map { 1 / $0 } }
            return ratios.count == settings.batchSizes.count ? (entry, ratios, retained) : nil
        }
        guard let best = candidates.min(by: { $0.ratios.max()! < $1.ratios.max()! }) else {
            return "No other model keeps \(threshold) of the baseline's accuracy."
        }
        let ratios = zip(settings.batchSizes, best.ratios).map { String(format: "%.2f× at batch %d", $1, $0) }.joined(separator: " and ")
        return "Fastest model keeping at least \(threshold) of the baseline's accuracy: **\(best.0.name)**, with "
            + "\(ReportFormat.percent(best.retained, decimals: 1)) of its accuracy at \(ratios) of its p50 latency."
    }

    private var failureSentences: [String] {
        failures.map { "Could not be measured: **\($0.name)** (`\($0.path)`): \($0.error ?? "")." }
    }
}
