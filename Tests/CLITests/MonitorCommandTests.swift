import Checkpoint
import Foundation
import TestSupport
import Testing

/// `condenser monitor` on the shipped teacher: exit 0 on in-distribution data, 3 on drifted data,
/// 1 on data it cannot compare.
@Suite struct MonitorCommandTests {
    let folder: TemporaryDirectory
    let teacher = PackagePaths.root.appendingPathComponent("checkpoints/shapes-vqa/teacher.h5").path

    init() throws {
        folder = try TemporaryDirectory()
        for (seed, name, shift) in [("50", "ref.h5", nil), ("51", "new.h5", nil), ("52", "mismatched.h5", "mismatched")] {
            let result = try condenser(["data", "shapes", "--count", "1000", "--seed", seed, "--out", folder.file(name).path]
                                       + (shift.map { ["--shift", $0] } ?? []))
            try #require(result.status == 0, "\(result.standardError)")
        }
    }

    func monitor(_ data: String, _ extra: [String] = []) throws -> ChildProcess.Result {
        try condenser(["monitor", teacher, "--reference", folder.file("ref.h5").path, "--data", folder.file(data).path,
                       "--out", folder.file("m.json").path, "--overwrite"] + extra)
    }

    @Test func exitStatusSaysWhetherTheDataDrifted() throws {
        let healthy = try monitor("new.h5", ["--report", folder.file("r").path])
        #expect(healthy.status == 0, "\(healthy.standardOutput)\(healthy.standardError)")
        #expect(healthy.standardOutput.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == 5)
        #expect(FileManager.default.fileExists(atPath: folder.file("r/monitor.svg").path))

        let drifted = try monitor("mismatched.h5")
        #expect(drifted.status == 3, "\(drifted.standardOutput)\(drifted.standardError)")
        #expect(drifted.standardOutput.contains("ALARM  confidence"), "\(drifted.standardOutput)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("m.json"))) as? [String: Any])
        #expect(json["alarm"] as? Bool == true && (json["signals"] as? [[String: Any]])?.count == 5)
    }

    @Test func dataItCannotCompareIsRefusedWithStatusOne() throws {
        let other = try MultimodalDataset.read(from: folder.file("new.h5"))
        let renamed = try MultimodalDataset(images: other.images, count: other.count, imageHeight: other.imageHeight,
                                            imageWidth: other.imageWidth, tokens: other.tokens, textLength: other.textLength,
                                            labels: other.labels, vocab: other.vocab.map { $0 + "x" }, answers: other.answers)
        try renamed.write(to: folder.file("vocab.h5"))
        let empty = try MultimodalDataset(images: [], count: 0, imageHeight: 32, imageWidth: 32, tokens: [], textLength: 16,
                                          labels: [], vocab: other.vocab, answers: other.answers)
        try empty.write(to: folder.file("empty.h5"))
        for (data, expected) in [("vocab.h5", "vocabulary differs"), ("empty.h5", "holds no samples")] {
            let result = try monitor(data)
            #expect(result.status == 1 && result.standardError.contains(expected), "\(data): \(result.standardError)")
        }
        let bad = try monitor("new.h5", ["--drop", "2"])
        #expect(bad.status != 0 && bad.status != 3 && bad.standardError.contains("--drop"))
    }
}
