import Checkpoint
import Foundation

extension BenchmarkReport {
    /// The report's file names inside its folder.
    public static let fileNames = ["report.md", "report.csv", "report.json", "report.svg"]

    /// Writes report.md, report.csv, report.json and report.svg into `folder` (created if
    /// missing), each atomically.
    public func write(to folder: URL) throws(BenchmarkError) {
        let json: Data
        do { json = try jsonData() } catch { throw .cannotWrite("\(folder.appendingPathComponent("report.json").path): \(error)") }
        let contents = [Data(markdown().utf8), Data(csv().utf8), json, Data(svg().utf8)]
        for (name, data) in zip(Self.fileNames, contents) {
            let url = folder.appendingPathComponent(name)
            do { try writeFileAtomically(data, to: url) } catch { throw .cannotWrite(error.description) }
        }
    }
}
