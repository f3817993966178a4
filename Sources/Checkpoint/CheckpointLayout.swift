/// Where parameters live in a checkpoint: under the group `/model`, with the dots of the
/// PyTorch name as group separators (`vision.layers.0.self_attn.in_proj_weight` →
/// `/model/vision/layers/0/self_attn/in_proj_weight`).
enum CheckpointLayout {
    /// The group under the root that holds every parameter.
    static let modelGroup = "model"

    /// Dataset path relative to `/model` for a dotted name.
    static func datasetPath(forName name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).joined(separator: "/")
    }

    /// Dotted name for a dataset path relative to `/model`.
    static func name(forDatasetPath path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).joined(separator: ".")
    }
}
