import Foundation
import Testing
import TestSupport
@testable import Pipeline

/// Two runs never share an output folder; a lock left by a dead run does not stop the next one.
@Suite struct OutputFolderLockTests {
    @Test func aSecondHolderIsRefusedWithTheFirstOnesPid() throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("run")
        var first: OutputFolderLock? = try OutputFolderLock(folder: output)
        #expect(try String(contentsOfFile: first!.path, encoding: .utf8) == "\(getpid())\n")
        // flock(2) locks belong to an open file description, so a second open in this process conflicts like another process.
        let error = #expect(throws: PipelineError.self) { try OutputFolderLock(folder: output) }
        #expect(error?.description.contains("another run is using this output folder (pid \(getpid())") == true,
                "\(String(describing: error))")
        first = nil
        #expect(throws: Never.self) { try OutputFolderLock(folder: output) }
    }

    @Test func aLockFileLeftByADeadRunIsTakenOver() throws {
        let folder = try TemporaryDirectory()
        let output = folder.file("run")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try "999999999\n".write(to: output.appendingPathComponent(".lock"), atomically: true, encoding: .utf8)
        let lock = try OutputFolderLock(folder: output)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "\(getpid())\n")
    }
}
