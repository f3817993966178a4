/// Why a recipe was rejected: the recipe file, the key path of the offending value
/// (`distill.losses.logits`; empty for the whole document) and what was expected instead.
///
/// `description` is the line to show a user:
/// `recipes/x.json: distill.losses.logits: expected a number >= 0, got "x"`.
public struct RecipeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The recipe file as the user named it (`recipes/x.json`).
    public var file: String
    /// Dotted path of the key the error is about; empty when it concerns the whole file.
    public var keyPath: String
    public var message: String

    public init(file: String, keyPath: String, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}
