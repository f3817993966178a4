import Foundation
import TensorCore

/// Breaks one thing in a valid Condenser HDF5 file (checkpoint or dataset) and writes the result:
/// flipped or cut bytes, a missing, extra, retyped or reshaped dataset, NaN and Inf, out-of-range
/// integers, a missing or retyped attribute, or a JSON attribute broken by `JSONMutation`.
public enum FileMutation {
    /// Writes a mutation of `seed` to `output`; returns what was done.
    public static func mutate(_ seed: HDF5Image, seedFile: URL, into output: URL, generator: inout RandomGenerator) throws -> String {
        let choice = generator.integer(below: 20)
        if choice < 4 {
            var bytes = [UInt8](try Data(contentsOf: seedFile))
            if choice < 2 {
                let count = 1 + generator.integer(below: choice == 0 ? 4 : 64)
                // Most of an HDF5 file's structure sits in its first few kilobytes.
                let window = choice == 0 ? min(bytes.count, 4096) : bytes.count
                for _ in 0..<count { bytes[generator.integer(below: window)] = UInt8.random(in: 0...255, using: &generator) }
                try Data(bytes).write(to: output)
                return "\(count) bytes replaced in the first \(window)"
            }
            let length = generator.integer(below: bytes.count)
            try Data(bytes.prefix(length)).write(to: output)
            return "cut at byte \(length) of \(bytes.count)"
        }
        var image = seed
        let description = mutateStructure(&image, choice: choice, generator: &generator)
        try image.write(to: output)
        return description
    }

    static func mutateStructure(_ image: inout HDF5Image, choice: Int, generator: inout RandomGenerator) -> String {
        let paths = image.datasets.keys.sorted()
        let names = image.attributes.keys.sorted()
        let path = paths.randomElement(using: &generator)!
        var dataset = image.datasets[path]!
        switch choice {
        case 4:
            image.datasets[path] = nil
            return "removed dataset \(path)"
        case 5:
            image.datasets[path + "_extra"] = .init(values: .float32([1, 2]), shape: [2])
            return "added dataset \(path)_extra"
        case 6, 7:
            let doubles = dataset.values.doubles
            let types: [(String, HDF5Image.Values)] = [
                ("float32", .float32(doubles.map(Float.init))), ("float64", .float64(doubles)),
                ("int8", .int8(doubles.map { Int8(clamping: Int(exactly: $0.rounded()) ?? 0) })),
                ("int32", .int32(doubles.map { Int32(clamping: Int(exactly: $0.rounded()) ?? 0) })),
                ("int64", .int64(doubles.map { Int64(exactly: $0.rounded()) ?? 0 })),
                ("uint8", .uint8(doubles.map { UInt8(clamping: Int(exactly: $0.rounded()) ?? 0) })),
            ]
            let (name, values) = types.randomElement(using: &generator)!
            dataset.values = values
            image.datasets[path] = dataset
            return "\(path) stored as \(name)"
        case 8, 9:
            let count = dataset.values.count
            let swapped = dataset.shape.count > 1 ? [count / max(dataset.shape[0], 1), dataset.shape[0]] : [1, count]
            let shapes = [[count], [1] + dataset.shape, dataset.shape.reversed(), [count, 1], swapped]
            dataset.shape = shapes.randomElement(using: &generator)!.map { max($0, 0) }
            if dataset.shape.reduce(1, *) != count { dataset.shape = [count] }
            image.datasets[path] = dataset
            return "\(path) reshaped to \(dataset.shape)"
        case 10, 11:
            // Drop or repeat leading rows: counts that disagree between arrays, or with the header.
            guard dataset.shape.count >= 1, dataset.shape[0] > 1 else { return mutateStructure(&image, choice: 4, generator: &generator) }
            let row = dataset.values.count / dataset.shape[0]
            let rows = generator.integer(below: 2) == 0 ? dataset.shape[0] - 1 : dataset.shape[0] + 1
            dataset.values = resized(dataset.values, to: rows * row)
            dataset.shape[0] = rows
            image.datasets[path] = dataset
            return "\(path) given \(rows) rows"
        case 12, 13:
            let special: [Double] = [.nan, .infinity, -.infinity, 1e30, -1e30, -1, 255, 1e9, -2e9]
            let value = special.randomElement(using: &generator)!
            let index = generator.integer(below: max(dataset.values.count, 1))
            dataset.values = setting(dataset.values, index: index, to: value)
            image.datasets[path] = dataset
            return "\(path)[\(index)] = \(value)"
        case 14:
            guard let name = names.randomElement(using: &generator) else { return "nothing" }
            image.attributes[name] = nil
            return "removed attribute \(name)"
        case 15:
            guard let name = names.randomElement(using: &generator) else { return "nothing" }
            switch image.attributes[name]! {
            case .string: image.attributes[name] = .integer(Int64(generator.integer(below: 1000)) - 500)
            case .integer: image.attributes[name] = .string("1")
            }
            return "attribute \(name) of the other type"
        default:
            let strings = names.filter { if case .string = image.attributes[$0]! { true } else { false } }
            guard let name = strings.randomElement(using: &generator), case let .string(text)? = image.attributes[name] else {
                return "nothing"
            }
            let (mutated, what) = JSONMutation.mutate(text, generator: &generator)
            image.attributes[name] = .string(mutated)
            return "attribute \(name): \(what)"
        }
    }

    static func resized(_ values: HDF5Image.Values, to count: Int) -> HDF5Image.Values {
        func fit<T>(_ v: [T]) -> [T] { count <= v.count ? Array(v.prefix(count)) : v + Array(v.prefix(count - v.count)) }
        return switch values {
        case let .float32(v): .float32(fit(v))
        case let .float64(v): .float64(fit(v))
        case let .int8(v): .int8(fit(v))
        case let .int32(v): .int32(fit(v))
        case let .int64(v): .int64(fit(v))
        case let .uint8(v): .uint8(fit(v))
        }
    }

    static func setting(_ values: HDF5Image.Values, index: Int, to value: Double) -> HDF5Image.Values {
        func set<T>(_ v: [T], _ converted: T) -> [T] { var v = v; if v.indices.contains(index) { v[index] = converted }; return v }
        let integer = value.isFinite ? Int(exactly: value.rounded()) ?? 0 : Int.max
        return switch values {
        case let .float32(v): .float32(set(v, Float(value)))
        case let .float64(v): .float64(set(v, value))
        case let .int8(v): .int8(set(v, Int8(clamping: integer)))
        case let .int32(v): .int32(set(v, Int32(clamping: integer)))
        case let .int64(v): .int64(set(v, Int64(integer)))
        case let .uint8(v): .uint8(set(v, UInt8(clamping: integer)))
        }
    }
}
