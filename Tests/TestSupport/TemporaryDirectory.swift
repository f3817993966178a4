import Foundation

/// A fresh folder under the system temporary directory, removed with everything in it on deinit.
public final class TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("condenser-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the folder (not created).
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names in the folder, sorted; hidden (temporary) files included.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
