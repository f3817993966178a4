import Foundation
import Testing
import TestSupport

/// No command destroys a file it was not asked to replace: its own inputs never, other files only
/// with `--overwrite`, and things that are not regular files (a FIFO, a folder) never.
@Suite struct OutputSafetyTests {
    let folder: TemporaryDirectory
    init() throws {
        folder = try TemporaryDirectory()
        try #require(condenser("init", "--model", "recipes/models/seed-student.json", "--out", path("s.h5")).status == 0)
        try #require(condenser("data", "shapes", "--count", "8", "--seed", "1", "--out", path("d.h5")).status == 0)
    }

    func path(_ name: String) -> String { folder.file(name).path }

    func contents(_ name: String) throws -> Data { try Data(contentsOf: folder.file(name)) }

    /// Runs a command that must be refused with one line containing `message`, leaving `file` as it was.
    func expectRefused(_ arguments: [String], keeps file: String, saying message: String) throws {
        let before = try contents(file)
        let result = try condenser(arguments)
        #expect(result.status != 0, "\(arguments) was accepted")
        #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        #expect(try contents(file) == before, "\(arguments) changed \(file)")
    }

    @Test func anInputIsNeverTheOutputEvenWithOverwrite() throws {
        try expectRefused(["predict", path("s.h5"), "--data", path("d.h5"), "--out", path("s.h5"), "--overwrite"],
                          keeps: "s.h5", saying: "is this command's input")
        try expectRefused(["quantize", path("s.h5"), "--mode", "dynamic", "--out", path("s.h5"), "--overwrite"],
                          keeps: "s.h5", saying: "is this command's input")
        try expectRefused(["data", "ablate", path("d.h5"), "--drop", "text", "--out", path("d.h5"), "--overwrite"],
                          keeps: "d.h5", saying: "is this command's input")
        // Another spelling of the same file: a symbolic link to the input.
        try FileManager.default.createSymbolicLink(atPath: path("link.h5"), withDestinationPath: path("s.h5"))
        try expectRefused(["predict", path("s.h5"), "--data", path("d.h5"), "--out", path("link.h5"), "--overwrite"],
                          keeps: "s.h5", saying: "is this command's input")
    }

    @Test func anExistingFileNeedsOverwrite() throws {
        try #require(condenser("data", "shapes", "--count", "4", "--seed", "2", "--out", path("e.h5")).status == 0)
        try expectRefused(["data", "shapes", "--count", "4", "--seed", "3", "--out", path("e.h5")],
                          keeps: "e.h5", saying: "already exists; pass --overwrite")
        try expectRefused(["predict", path("s.h5"), "--data", path("d.h5"), "--out", path("e.h5")],
                          keeps: "e.h5", saying: "already exists; pass --overwrite")
        try expectRefused(["init", "--model", "recipes/models/seed-student.json", "--out", path("e.h5")],
                          keeps: "e.h5", saying: "already exists; pass --overwrite")
        let before = try contents("e.h5")
        try #require(condenser("data", "shapes", "--count", "4", "--seed", "3", "--out", path("e.h5"), "--overwrite").status == 0)
        #expect(try contents("e.h5") != before)
    }

    @Test func theDefaultOutputNameIsProtectedToo() throws {
        try #require(condenser("quantize", path("s.h5"), "--mode", "dynamic").status == 0)
        try expectRefused(["quantize", path("s.h5"), "--mode", "dynamic"], keeps: "s-int8.h5", saying: "already exists; pass --overwrite")
        #expect(try condenser("quantize", path("s.h5"), "--mode", "dynamic", "--overwrite").status == 0)
    }

    @Test func somethingThatIsNotARegularFileIsNeverReplaced() throws {
        #expect(mkfifo(path("pipe"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: path("dir"), withIntermediateDirectories: false)
        for target in ["pipe", "dir"] {
            let result = try condenser("data", "shapes", "--count", "4", "--out", path(target), "--overwrite")
            #expect(result.status != 0 && result.standardError.contains("not a regular file"), "\(target): \(result.standardError)")
            var status = stat()
            #expect(lstat(path(target), &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG, "\(target) was replaced")
        }
    }
}
