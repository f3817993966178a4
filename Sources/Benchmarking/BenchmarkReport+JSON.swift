import Foundation

/// report.json (layout in docs/bench.md): machine, sgemm yardstick, settings, data and one object
/// per model. Accuracies are fractions, latencies milliseconds, per-batch values keyed by the batch
/// size as a string.
extension BenchmarkReport {
    public func jsonData() throws -> Data {
        var machineObject: [String: Any] = [
            "cpu": machine.cpuModel, "logical_cores": machine.logicalCores, "threads": machine.threads, "simd": machine.simd,
            "os": machine.operatingSystem, "blas": machine.blas, "blas_core": machine.blasCore,
            "vector_features": machine.vectorFeatures,
        ]
        machineObject["blas_core_selection"] = machine.blasCoreSelection
        machineObject["int8_kernel"] = machine.int8Kernel
        machineObject["peak"] = machine.peak.map { peak -> [String: Any] in
            ["gflops": ReportFormat.rounded(peak.gigaflops, places: 2), "cores": peak.cores,
             "ghz": ReportFormat.rounded(peak.gigahertz, places: 4),
             "clock_source": peak.clockSource, "flops_per_cycle": peak.flopsPerCycle, "basis": peak.basis]
        }
        machineObject["load_average_before"] = machine.loadAverageBefore
        machineObject["load_average_after"] = machine.loadAverageAfter
        let document: [String: Any] = [
            "machine": machineObject,
            "sgemm_gflops": ReportFormat.rounded(sgemmGFLOPS, places: 2),
            "sgemm_shape": sgemmShape,
            "sgemm_fraction_of_peak": machine.fractionOfPeak(sgemmGFLOPS).map { ReportFormat.rounded($0, places: 4) } ?? NSNull(),
            "settings": ["batch_sizes": settings.batchSizes, "warmup": settings.warmup, "iterations": settings.iterations],
            "data": ["path": dataSource, "samples": sampleCount],
            "baseline": entries.first?.name ?? NSNull(),
            "models": entries.map(json(of:)),
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private func json(of entry: BenchmarkEntry) -> [String: Any] {
        var object: [String: Any] = ["name": entry.name, "path": entry.path]
        guard let measurement = entry.measurement else {
            object["error"] = entry.error ?? ""
            return object
        }
        var latency: [String: Any] = [:], throughput: [String: Any] = [:], speedups: [String: Any] = [:]
        var gigaflops: [String: Any] = [:], ofSGEMM: [String: Any] = [:], ofPeak: [String: Any] = [:]
        for batchSize in settings.batchSizes {
            guard let statistics = measurement.latency[batchSize] else { continue }
            let key = String(batchSize)
            latency[key] = ["p50": ReportFormat.rounded(statistics.p50, places: 4), "p90": ReportFormat.rounded(statistics.p90, places: 4),
                            "p99": ReportFormat.rounded(statistics.p99, places: 4)]
            throughput[key] = measurement.throughput(batchSize: batchSize).map { ReportFormat.rounded($0, places: 2) } ?? NSNull()
            speedups[key] = speedup(measurement, batchSize: batchSize).map { ReportFormat.rounded($0, places: 4) } ?? NSNull()
            gigaflops[key] = measurement.gigaflops(batchSize: batchSize).map { ReportFormat.rounded($0, places: 3) } ?? NSNull()
            ofSGEMM[key] = fractionOfSGEMM(measurement, batchSize: batchSize).map { ReportFormat.rounded($0, places: 4) } ?? NSNull()
            ofPeak[key] = fractionOfPeak(measurement, batchSize: batchSize).map { ReportFormat.rounded($0, places: 4) } ?? NSNull()
        }
        object["precision"] = measurement.precision
        object["params"] = measurement.parameters
        object["bytes"] = measurement.bytes
        object["flops_per_sample"] = measurement.flopsPerSample
        object["accuracy"] = measurement.accuracy.map { $0 as Any } ?? NSNull()
        object["latency_ms"] = latency
        object["throughput"] = throughput
        object["speedup"] = speedups
        object["gflops"] = gigaflops
        object["fraction_of_sgemm"] = ofSGEMM
        object["fraction_of_peak"] = ofPeak
        object["accuracy_retained"] = accuracyRetained(measurement).map { ReportFormat.rounded($0, places: 6) } ?? NSNull()
        if let members = measurement.members { object["members"] = members }
        if let curve = measurement.cascadeCurve {
            object["cascade_curve"] = curve.map { ["teacher_share": ReportFormat.rounded($0.teacherShare, places: 6),
                                                   "accuracy": ReportFormat.rounded($0.accuracy, places: 6)] }
        }
        return object
    }
}
