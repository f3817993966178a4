import TensorCore

/// What a module holds under one name: a parameter tensor, or a child module.
public enum ModuleMember {
    case parameter(Tensor)
    case module(any Module)
}

/// A layer or model: a tree of modules whose leaves are parameter tensors, each member under
/// its PyTorch name, so every parameter has an explicit dotted key (`self_attn.in_proj_weight`).
public protocol Module: AnyObject {
    /// Own parameters and child modules, in a fixed order, under their PyTorch names.
    var members: [(name: String, member: ModuleMember)] { get }
}

extension Module {
    /// Parameters of this module and its descendants, in `members` order, with dotted names.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        members.flatMap { name, member -> [(name: String, tensor: Tensor)] in
            switch member {
            case let .parameter(tensor): [(name, tensor)]
            case let .module(child): child.namedParameters.map { ("\(name).\($0.name)", $0.tensor) }
            }
        }
    }

    /// This module (under "") and every descendant, depth first in `members` order, with dotted paths.
    public var namedModules: [(path: String, module: any Module)] {
        [("", self)] + members.flatMap { name, member -> [(path: String, module: any Module)] in
            guard case let .module(child) = member else { return [] }
            return child.namedModules.map { ($0.path.isEmpty ? name : "\(name).\($0.path)", $0.module) }
        }
    }

    /// The parameter tensors, in `namedParameters` order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Copies into every parameter whose name starts with one of `prefixes` the value of the same
    /// name in `values`; the other parameters keep theirs, and other values are ignored.
    /// - Returns: the names copied, in parameter order.
    /// - Throws: `.unmatchedPrefix` for a prefix no parameter has, `.missingParameter` or
    ///   `.mismatchedShape` for a parameter under a prefix; nothing is copied then.
    @discardableResult
    public func loadParameters(_ values: [String: Tensor], prefixes: [String]) throws(ModelError) -> [String] {
        let own = namedParameters
        if let unmatched = prefixes.first(where: { prefix in !own.contains { $0.name.hasPrefix(prefix) } }) {
            throw .unmatchedPrefix(unmatched)
        }
        let chosen = own.filter { name, _ in prefixes.contains { name.hasPrefix($0) } }
        for (name, tensor) in chosen {
            guard let value = values[name] else { throw .missingParameter(name: name) }
            guard value.shape == tensor.shape else { throw .mismatchedShape(name: name, expected: tensor.shape, actual: value.shape) }
        }
        for (name, tensor) in chosen { tensor.storage = values[name]!.storage }
        return chosen.map(\.name)
    }

    /// Copies values into every parameter, checking that the names and shapes match exactly.
    /// - Throws: `ModelError.missingParameter`, `.unexpectedParameter` or `.mismatchedShape`.
    public func loadParameters(_ values: [String: Tensor]) throws(ModelError) {
        let own = namedParameters
        for (name, tensor) in own {
            guard let value = values[name] else { throw .missingParameter(name: name) }
            guard value.shape == tensor.shape else {
                throw .mismatchedShape(name: name, expected: tensor.shape, actual: value.shape)
            }
        }
        let known = Set(own.map(\.name))
        if let extra = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unexpectedParameter(name: extra)
        }
        for (name, tensor) in own { tensor.storage = values[name]!.storage }
    }
}

/// `layers.0`, `layers.1`, … for a list of child modules.
func numbered(_ name: String, _ modules: [any Module]) -> [(name: String, member: ModuleMember)] {
    modules.enumerated().map { ("\(name).\($0.offset)", .module($0.element)) }
}
