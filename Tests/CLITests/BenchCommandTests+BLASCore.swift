import Foundation
import Hardware
import Testing
import TestSupport

/// The BLAS core selection end to end: `condenser bench` with a weak core forced, as a user's
/// machine with an OpenBLAS too old for its CPU would have it.
extension BenchCommandTests {
    /// The core `condenser bench` ran on (from report.json), its selection record, and what it printed to stderr.
    func benchCore(_ environment: [String: String?], report: String) throws -> (core: String, selection: String?, standardError: String) {
        let result = try condenser(["bench", path("teacher.h5"), "--data", path("test.h5"), "--batch-sizes", "1", "--warmup", "0",
                                    "--iterations", "1", "--threads", "1", "--report", path(report)],
                                   environment: environment.merging(["CONDENSER_BLAS_CORE_REJECTED": nil]) { own, _ in own })
        try #require(result.status == 0, "\(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("\(report)/report.json")))
                                as? [String: Any])
        let machine = try #require(json["machine"] as? [String: Any])
        #expect(result.standardOutput.contains("OpenBLAS core \(machine["blas_core"] as? String ?? "?")"),
                "the table's machine line names the core")
        return (machine["blas_core"] as! String, machine["blas_core_selection"] as? String, result.standardError)
    }

    @Test func weakBLASCoreIsReplacedUnlessTheUserSaysOtherwise() throws {
        try makeModelsAndData()
        let forcedFallback: [String: String?] = ["OPENBLAS_CORETYPE": "Prescott", "CONDENSER_BLAS_CORE_FROM": "Prescott",
                                                 "CONDENSER_BLAS_CORE": nil]
        let selected = try benchCore(forcedFallback, report: "forced")
        if let best = OpenBLASCore.best(for: .current), OpenBLASCore.tier(of: best) > 0 {
            #expect(selected.core == best)
            #expect(selected.selection == "BLAS core: \(best) instead of OpenBLAS's own choice Prescott; sgemm self-check passed")
            let notices = selected.standardError.split(separator: "\n").filter { $0.contains("OpenBLAS chose its Prescott kernels") }
            #expect(notices.count == 1 && notices[0].contains("running on \(best)"), "\(selected.standardError)")
        } else {
            #expect(selected.core == "Prescott", "a CPU without AVX has nothing better")
        }

        // The user's own OPENBLAS_CORETYPE, and the opt-out, keep Prescott, silently.
        let user = try benchCore(["OPENBLAS_CORETYPE": "Prescott", "CONDENSER_BLAS_CORE_FROM": nil, "CONDENSER_BLAS_CORE": nil],
                                 report: "user")
        #expect(user.core == "Prescott" && user.selection == "BLAS core: Prescott (OPENBLAS_CORETYPE=Prescott set by the user)")
        let optedOut = try benchCore(forcedFallback.merging(["CONDENSER_BLAS_CORE": "off"]) { _, new in new }, report: "off")
        #expect(optedOut.core == "Prescott" && optedOut.selection == "BLAS core: Prescott (selection off: CONDENSER_BLAS_CORE=off)")
        #expect(!user.standardError.contains("OpenBLAS chose") && !optedOut.standardError.contains("OpenBLAS chose"))
    }
}
