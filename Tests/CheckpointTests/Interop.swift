import Foundation
import TestSupport

/// Runs `h5py_interop.py` (beside this file) with the interop Python.
func interop(_ arguments: String...) throws -> Data {
    try Python.run(script: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("h5py_interop.py"), arguments)
}
