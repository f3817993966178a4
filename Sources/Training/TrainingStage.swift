import Models

/// One stage of a staged run (`teacher.train.stages`, `distill.stages`): what it optimises, its own
/// schedule, and which parameter groups stay frozen. The last stage of a run is its `task`.
public struct TrainingStage: Sendable, Equatable {
    /// What a stage optimises.
    public enum Kind: String, Sendable, CaseIterable {
        /// Masked-patch reconstruction of the images by the vision encoder and a light decoder.
        case vision
        /// Masked-token prediction over the questions by the text encoder and a light decoder.
        case text
        /// Symmetric InfoNCE between the pooled image and caption embeddings, learnable temperature.
        case align
        /// The run's own objective: labels for a teacher, the distillation objective for a student.
        case task

        /// The parameters this kind's loss reaches (by name prefix); the others get no gradient and
        /// are left out of its optimizer, so weight decay does not shrink them either.
        public var reach: [String] {
            switch self {
            case .vision: ["vision."]
            case .text: ["text."]
            case .align: ["vision.", "text.", "fusion.vision_proj.", "fusion.text_proj."]
            case .task: [""]
            }
        }
    }

    public var kind: Kind
    /// Epochs, batch size, learning rate, warm-up, decay and clipping of this stage alone.
    public var settings: TrainingSettings
    /// Parameter-name prefixes kept frozen (`freeze`, e.g. `["vision."]`); each must match a parameter.
    public var frozen: [String]
    /// Share of the patches (`vision`) or question tokens (`text`) hidden, in (0, 1) (`mask_ratio`,
    /// default 0.5 for patches, 0.25 for tokens).
    public var maskRatio: Float
    /// Starting temperature τ of the `align` loss's learnable logit scale 1/τ, > 0 (`temperature`, default 0.07).
    public var temperature: Float

    public init(kind: Kind, settings: TrainingSettings, frozen: [String] = [], maskRatio: Float? = nil, temperature: Float = 0.07) {
        self.kind = kind
        self.settings = settings
        self.frozen = frozen
        self.maskRatio = maskRatio ?? (kind == .text ? 0.25 : 0.5)
        self.temperature = temperature
    }

    /// Whether the parameter `name` trains in this stage: reached by its loss, not frozen.
    public func trains(_ name: String) -> Bool {
        kind.reach.contains { name.hasPrefix($0) } && !frozen.contains { name.hasPrefix($0) }
    }
}

extension TrainingStage {
    /// - Throws: the first setting out of range, by its recipe key.
    public func validate() throws(SettingError) {
        try settings.validate()
        guard maskRatio > 0 && maskRatio < 1 else {
            throw SettingError("mask_ratio", "expected a fraction in (0, 1), got \(SettingError.text(maskRatio))")
        }
        try SettingError.check("temperature", temperature, above: 0)
        if let empty = frozen.firstIndex(of: "") { throw SettingError("freeze[\(empty)]", "an empty prefix would freeze everything") }
    }
}

extension [TrainingStage] {
    /// Checks the order of a run's stages: each kind at most once, and the `task` last.
    /// - Throws: naming the stage by its index (`[2].kind`).
    public func validateOrder() throws(SettingError) {
        for (index, stage) in enumerated() {
            if let first = firstIndex(where: { $0.kind == stage.kind }), first < index {
                throw SettingError("[\(index)].kind", "\"\(stage.kind.rawValue)\" is already stage \(first)")
            }
        }
        guard last?.kind == .task else {
            throw SettingError("[\(Swift.max(count - 1, 0))].kind", "the last stage must be the \"task\" stage (the run's own objective)")
        }
    }

    /// The stages before the task.
    public var pretraining: ArraySlice<TrainingStage> { dropLast() }
}
