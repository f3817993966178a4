import Foundation
import HDF5

/// The dataset file: `/images` uint8 [N, H, W, 3], `/tokens` int32 [N, L], optional `/labels`
/// int32 [N], optional `/captions` int32 [N, C], and root attributes `vocab` and `answers` (JSON
/// lists of strings; index = id).
extension MultimodalDataset {
    /// Reads and validates the dataset file at `url`.
    /// - Throws: `.hdf5` if it cannot be opened, `.invalidDataset` or `.invalidAttribute`
    ///   naming the file and the array or attribute that is wrong.
    public static func read(from url: URL) throws(CheckpointError) -> MultimodalDataset {
        let path = url.path
        let file = try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try HDF5File(readingFrom: path) }
        let images = try readArray("images", of: UInt8.self, layout: ["N", "H", "W", "3"], from: file.root)
        guard images.shape[3] == 3 else {
            throw .invalidDataset(file: path, name: "images", reason: "has shape \(images.shape), expected [N, H, W, 3] (RGB)")
        }
        let count = images.shape[0]
        let tokens = try readArray("tokens", of: Int32.self, layout: ["N", "L"], from: file.root)
        guard tokens.shape[0] == count else {
            throw .invalidDataset(file: path, name: "tokens", reason: "has \(tokens.shape[0]) samples, images has \(count)")
        }
        var labels: [Int32]?
        if try CheckpointError.wrappingHDF5({ () throws(HDF5Error) in try file.root.kind(of: "labels") }) != nil {
            let stored = try readArray("labels", of: Int32.self, layout: ["N"], from: file.root)
            guard stored.shape[0] == count else {
                throw .invalidDataset(file: path, name: "labels", reason: "has \(stored.shape[0]) samples, images has \(count)")
            }
            labels = stored.values
        }
        var captions: (values: [Int32], shape: [Int])?
        if try CheckpointError.wrappingHDF5({ () throws(HDF5Error) in try file.root.kind(of: "captions") }) != nil {
            captions = try readArray("captions", of: Int32.self, layout: ["N", "C"], from: file.root)
            guard captions!.shape[0] == count else {
                throw .invalidDataset(file: path, name: "captions", reason: "has \(captions!.shape[0]) samples, images has \(count)")
            }
        }
        return try MultimodalDataset(
            images: images.values, count: count, imageHeight: images.shape[1], imageWidth: images.shape[2],
            tokens: tokens.values, textLength: tokens.shape[1], labels: labels,
            vocab: RootAttribute.json([String].self, "vocab", on: file.root),
            answers: RootAttribute.json([String].self, "answers", on: file.root),
            source: path, captions: captions?.values, captionLength: captions?.shape[1] ?? 0)
    }

    /// Saves this dataset to `url`, atomically (see `writeAtomically`).
    public func write(to url: URL) throws(CheckpointError) {
        let destination = url.path
        let vocabJSON = try RootAttribute.encodeJSON(vocab, "vocab", file: destination)
        let answersJSON = try RootAttribute.encodeJSON(answers, "answers", file: destination)
        try writeAtomically(to: url) { (temporaryPath) throws(CheckpointError) in
            try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in
                let file = try HDF5File(creating: temporaryPath)
                try file.root.createDataset("images", values: images, shape: [count, imageHeight, imageWidth, 3])
                try file.root.createDataset("tokens", values: tokens, shape: [count, textLength])
                if let labels { try file.root.createDataset("labels", values: labels, shape: [count]) }
                if let captions { try file.root.createDataset("captions", values: captions, shape: [count, captionLength]) }
                try file.root.setAttribute("vocab", vocabJSON)
                try file.root.setAttribute("answers", answersJSON)
                try file.close()
            }
        }
    }

    /// Reads dataset `name` of the root, checking its element type and rank against `layout`
    /// (axis names, for messages: `["N", "L"]`).
    private static func readArray<Element: HDF5Element>(_ name: String, of type: Element.Type, layout: [String],
                                                        from root: HDF5Group) throws(CheckpointError) -> (values: [Element], shape: [Int]) {
        let expected = "\(Element.elementType) [\(layout.joined(separator: ", "))]"
        let dataset: HDF5Dataset
        do {
            dataset = try root.openDataset(name)
        } catch .missingObject, .wrongKind {
            throw .invalidDataset(file: root.filePath, name: name, reason: "missing; expected a dataset of \(expected)")
        } catch {
            throw .hdf5(error)
        }
        guard dataset.elementType == Element.elementType, dataset.shape.count == layout.count else {
            throw .invalidDataset(file: root.filePath, name: name,
                                  reason: "is \(dataset.elementType) \(dataset.shape), expected \(expected)")
        }
        return (try CheckpointError.wrappingHDF5 { () throws(HDF5Error) in try dataset.read(Element.self) }, dataset.shape)
    }
}
