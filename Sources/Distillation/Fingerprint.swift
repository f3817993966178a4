import Checkpoint
import Foundation

/// 64-bit FNV-1a hashes that tell whether a file or dataset changed (not for security).
public enum Fingerprint {
    /// Hash of `bytes`, continuing from `seed`.
    public static func bytes(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }

    /// Hex hash of a file's contents.
    public static func file(_ url: URL) throws(CheckpointError) -> String {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .cannotWrite(file: url.path, reason: "cannot read it to fingerprint: \(error.localizedDescription)")
        }
        return hex(data.withUnsafeBytes { bytes($0) })
    }

    /// Hex hash of a dataset's images, tokens and labels.
    public static func dataset(_ data: MultimodalDataset) -> String {
        var hash = data.images.withUnsafeBytes { bytes($0) }
        hash = data.tokens.withUnsafeBytes { bytes($0, seed: hash) }
        if let labels = data.labels { hash = labels.withUnsafeBytes { bytes($0, seed: hash) } }
        return hex(hash)
    }

    /// Hex hash of a string.
    public static func text(_ text: String) -> String {
        hex(Array(text.utf8).withUnsafeBytes { bytes($0) })
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
