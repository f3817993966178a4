import Foundation
import HDF5
import Testing
import TestSupport

/// The HDF5 module on its own: values written are the values read, and every failure is a
/// thrown error naming the file and object.
@Suite struct HDF5Tests {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    @Test func datasetsRoundTripEveryElementType() throws {
        let url = folder.file("types.h5")
        do {
            let file = try HDF5File(creating: url.path)
            try file.root.createDataset("float", values: [Float(1.5), -0.0, .infinity, .leastNonzeroMagnitude, 3, 4], shape: [2, 3])
            try file.root.createDataset("double", values: [Double.pi], shape: [])
            try file.root.createDataset("int8", values: [Int8.min, -1, 0, .max], shape: [4])
            try file.root.createDataset("int32", values: [Int32.min, 7, .max, 0], shape: [2, 1, 2])
            try file.root.createDataset("int64", values: [Int64.min, .max], shape: [2])
            try file.root.createDataset("uint8", values: [UInt8](), shape: [0, 3])
            try file.close()
        }
        let file = try HDF5File(readingFrom: url.path)
        let float = try file.root.openDataset("float")
        #expect(float.shape == [2, 3] && float.elementType == .float32)
        #expect(try float.read(Float.self).map(\.bitPattern)
                == [Float(1.5), -0.0, .infinity, .leastNonzeroMagnitude, 3, 4].map(\.bitPattern))
        let double = try file.root.openDataset("double")
        #expect(double.shape == [] && double.count == 1 && double.elementType == .float64)
        #expect(try double.read(Double.self) == [.pi])
        #expect(try file.root.openDataset("int8").read(Int8.self) == [.min, -1, 0, .max])
        let int32 = try file.root.openDataset("int32")
        #expect(int32.shape == [2, 1, 2] && int32.elementType == .int32)
        #expect(try int32.read(Int32.self) == [.min, 7, .max, 0])
        #expect(try file.root.openDataset("int64").read(Int64.self) == [.min, .max])
        let empty = try file.root.openDataset("uint8")
        #expect(empty.shape == [0, 3] && empty.elementType == .uint8)
        #expect(try empty.read(UInt8.self) == [])
    }

    @Test func readingAsAnotherTypeIsAnErrorNotAConversion() throws {
        let url = folder.file("double.h5")
        try HDF5File(creating: url.path).root.createDataset("weights/w", values: [1.0, 2.0], shape: [2])
        let dataset = try HDF5File(readingFrom: url.path).root.openDataset("weights/w")
        #expect(throws: HDF5Error.wrongType(file: url.path, path: "/weights/w", expected: .float32, actual: .float64)) {
            try dataset.read(Float.self)
        }
    }

    @Test func groupsNestListAndTellKinds() throws {
        let url = folder.file("groups.h5")
        do {
            let file = try HDF5File(creating: url.path)
            let layer = try file.root.createGroup("model/layers/0")
            #expect(layer.path == "/model/layers/0")
            try layer.createDataset("weight", values: [Float(1)], shape: [1])
            try file.root.createDataset("model/head/bias", values: [Float(2)], shape: [1])
            try file.root.createGroup("model/empty")
            try file.close()
        }
        let root = try HDF5File(readingFrom: url.path).root
        let model = try root.openGroup("model")
        #expect(try model.memberNames() == ["empty", "head", "layers"])
        #expect(try model.kind(of: "head") == .group)
        #expect(try model.kind(of: "head/bias") == .dataset)
        #expect(try model.kind(of: "head/nothing") == nil)
        #expect(try model.kind(of: "missing/level/below") == nil)
        #expect(try model.datasetPaths() == ["head/bias", "layers/0/weight"])
        #expect(throws: HDF5Error.missingObject(file: url.path, path: "/model/head/weight")) {
            try model.openDataset("head/weight")
        }
        #expect(throws: HDF5Error.wrongKind(file: url.path, path: "/model/head/bias", expected: .group, actual: .dataset)) {
            try model.openGroup("head/bias")
        }
    }

    @Test func attributesRoundTripAndReportMisuse() throws {
        let url = folder.file("attributes.h5")
        do {
            let file = try HDF5File(creating: url.path)
            try file.root.setAttribute("name", "first")
            try file.root.setAttribute("name", "naïve café ✓")  // replaces
            try file.root.setAttribute("version", Int64(-3))
            try file.root.createDataset("data", values: [Int8(1)], shape: [1]).setAttribute("unit", "kg")
            try file.close()
        }
        let file = try HDF5File(readingFrom: url.path)
        #expect(try file.root.attributeNames() == ["name", "version"])
        #expect(try file.root.stringAttribute("name") == "naïve café ✓")
        #expect(try file.root.int64Attribute("version") == -3)
        #expect(try file.root.attributeType("version") == .int64)
        #expect(try file.root.openDataset("data").stringAttribute("unit") == "kg")
        #expect(try file.root.hasAttribute("missing") == false)
        #expect(throws: HDF5Error.missingAttribute(file: url.path, object: "/", name: "missing")) {
            try file.root.stringAttribute("missing")
        }
        #expect(throws: HDF5Error.wrongType(file: url.path, path: "attribute 'version' of /", expected: .string, actual: .int64)) {
            try file.root.stringAttribute("version")
        }
        #expect(throws: HDF5Error.wrongType(file: url.path, path: "attribute 'name' of /", expected: .int64, actual: .string)) {
            try file.root.int64Attribute("name")
        }
    }

    @Test func filesThatAreNotHDF5AreNamed() throws {
        let random = folder.file("random.h5")
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255) }).write(to: random)
        #expect(throws: HDF5Error.notHDF5(path: random.path)) { try HDF5File(readingFrom: random.path) }

        let empty = folder.file("empty.h5")
        try Data().write(to: empty)
        #expect(throws: HDF5Error.notHDF5(path: empty.path)) { try HDF5File(readingFrom: empty.path) }

        let missing = folder.file("missing.h5")
        #expect(throws: HDF5Error.cannotOpen(path: missing.path, reason: "no such file")) { try HDF5File(readingFrom: missing.path) }

        let unwritable = folder.file("no/such/folder/x.h5")
        let error = #expect(throws: HDF5Error.self) { try HDF5File(creating: unwritable.path) }
        #expect(error?.description.hasPrefix(unwritable.path + ": cannot open") == true)
    }

    @Test func truncatedFilesAreReportedAsTruncated() throws {
        let url = folder.file("cut.h5")
        do {
            let file = try HDF5File(creating: url.path)
            try file.root.createDataset("values", values: [Float](repeating: 1, count: 10_000), shape: [100, 100])
            try file.root.setAttribute("note", "written whole")
            try file.close()
        }
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        let error = #expect(throws: HDF5Error.truncated(path: url.path)) { try HDF5File(readingFrom: url.path) }
        #expect(error?.description.contains("truncated") == true)
    }
}
