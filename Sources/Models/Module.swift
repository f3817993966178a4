import TensorCore

/// A layer or model whose stored tensors are its parameters, each under an explicit
/// PyTorch-style key (`self_attn.in_proj_weight`).
public protocol Module: AnyObject {
    /// Parameters of this module and its children, in a fixed order, with dotted names.
    var namedParameters: [(name: String, tensor: Tensor)] { get }
}

extension Module {
    /// The parameter tensors, in `namedParameters` order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

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

/// Prefixes each child parameter name with `prefix.`.
func scoped(_ prefix: String, _ module: Module) -> [(name: String, tensor: Tensor)] {
    module.namedParameters.map { ("\(prefix).\($0.name)", $0.tensor) }
}
