import Foundation
import Synchronization

/// A dense Float32 tensor in row-major, contiguous storage, with optional reverse-mode autograd.
///
/// A tensor is a reference type so that the autograd graph can point at its inputs: each op
/// records its parents and a closure that accumulates their gradients (see `Tensor+Autograd`).
/// Ops record nothing when no input requires a gradient, or inside `Tensor.withoutGradients`,
/// so inference builds no graph and allocates no gradient buffers.
public final class Tensor {
    /// Extent of each axis, outermost first.
    public let shape: [Int]
    /// Elements in row-major order; `storage.count == shape.reduce(1, *)`.
    public var storage: [Float] { didSet { storageVersion &+= 1 } }  // no `oldValue`: writes stay in place (SE-0268)
    /// Bumped by every write to `storage`, so that caches of values derived from it can tell.
    private(set) var storageVersion = 0
    /// This tensor packed as a linear layer's weight, while `storageVersion` is unchanged.
    let linearPacking = Mutex<(version: Int, packed: [Float])?>(nil)
    /// Gradient of the last `backward()` root with respect to this tensor, same layout as `storage`.
    public var grad: [Float]?
    /// Whether ops on this tensor record a graph (parameters and anything computed from them).
    public var requiresGrad: Bool

    let parents: [Tensor]
    let backwardFunction: ((Tensor) -> Void)?

    /// A leaf tensor holding `storage` with the given shape.
    public init(shape: [Int], storage: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(storage.count == shape.reduce(1, *),
                     "storage has \(storage.count) elements, shape \(shape) needs \(shape.reduce(1, *))")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
        self.parents = []
        self.backwardFunction = nil
    }

    /// An op result; records its graph only when gradients are enabled and a parent requires one.
    init(shape: [Int], storage: [Float], parents: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        self.storage = storage
        let records = GradientMode.isEnabled && parents.contains { $0.requiresGrad }
        self.requiresGrad = records
        self.parents = records ? parents : []
        self.backwardFunction = records ? backward : nil
    }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The single element of a tensor with one element.
    public var item: Float {
        precondition(count == 1, "item needs a tensor with one element, shape is \(shape)")
        return storage[0]
    }
}

// MARK: - Factories

extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A tensor with every element equal to `value`.
    public static func filled(_ shape: [Int], with value: Float, requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public static func scalar(_ value: Float) -> Tensor {
        Tensor(shape: [], storage: [value])
    }
}

/// Storage that ops fill completely before reading, so it skips zero-initialisation.
@inlinable
func uninitializedStorage(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer)
        initialized = count
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = storage.prefix(8).map { String(format: "%.4f", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
