import Foundation
import Testing
@testable import Recipes

/// Recipes for the tests: a minimal valid one to edit key by key, and the package's shipped ones.
enum RecipeFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A tiny model config, as JSON text.
    static let tinyModel = """
        {"image_size": 32, "patch_size": 8, "vision_dim": 16, "vision_depth": 1, "vision_heads": 2,
         "vocab_size": 64, "max_text_len": 16, "text_dim": 16, "text_depth": 1, "text_heads": 2,
         "fusion_dim": 16, "fusion_heads": 2, "num_classes": 32}
        """

    /// Only the required keys; every other key takes its default.
    static let minimal = """
        {"name": "tiny", "output": "out",
         "data": {"train": {"generator": "shapes", "count": 64, "seed": 1}, "test": {"path": "test.h5"}},
         "teacher": {"checkpoint": "out/teacher.h5", "model": \(tinyModel)},
         "student": {"model": \(tinyModel)},
         "distill": {"epochs": 2, "batch_size": 16, "lr": 0.01}}
        """

    /// `minimal` with the value at each dotted key path replaced by raw JSON text (kept as written,
    /// so `8.0` stays `8.0`), or removed where the text is nil. Missing parents are created.
    static func minimal(_ edits: [String: String?]) -> String {
        var document = try! JSONParser.parse(Array(minimal.utf8))
        for (keyPath, raw) in edits {
            let replacement = raw.map { try! JSONParser.parse(Array($0.utf8)) }
            document = edit(document, keyPath.split(separator: ".").map(String.init)[...], replacement)
        }
        return document.serialized()
    }

    private static func edit(_ value: JSONValue, _ keys: ArraySlice<String>, _ replacement: JSONValue?) -> JSONValue {
        guard let key = keys.first else { return replacement ?? value }
        guard case var .object(members) = value else { return value }
        if keys.count == 1 {
            members[key] = replacement
        } else {
            members[key] = edit(members[key] ?? .object([:]), keys.dropFirst(), replacement)
        }
        return .object(members)
    }

    /// Parses `json` as `recipes/x.json` with model paths relative to `directory` (the package root by default).
    static func parse(_ json: String, relativeTo directory: URL = packageRoot) throws(RecipeError) -> Recipe {
        try Recipe.parse(json: Data(json.utf8), file: "recipes/x.json", currentDirectory: directory)
    }

    /// The full message parsing `json` fails with, or nil if it parses.
    static func failure(_ json: String, relativeTo directory: URL = packageRoot) -> String? {
        do {
            _ = try parse(json, relativeTo: directory)
            return nil
        } catch {
            return error.description
        }
    }

    /// A fresh empty folder, removed after `body`.
    static func withTemporaryFolder<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }
}
