import Testing
@testable import Benchmarking

@Suite struct MachineInfoTests {
    @Test func currentMachineIsDescribed() {
        let machine = MachineInfo.current(threads: 3)
        #expect(machine.threads == 3 && machine.logicalCores >= 1)
        #expect(!machine.cpuModel.isEmpty && !machine.simd.isEmpty && !machine.blas.isEmpty && !machine.blasCore.isEmpty)
        #expect(machine.blas.contains(machine.blasCore), "openblas_get_config names the running core")
        #expect(machine.hardwareSummary.hasPrefix("OpenBLAS core \(machine.blasCore) ("))
    }
}
