import Foundation

/// Where a checkpoint came from; stored as the JSON root attribute `provenance`
/// (`{"command": …, "source": …, "time": …, "tool_version": …}`, and `"training": {…}` for a
/// model a recipe trained, `"stages": […]` for one a staged run made).
public struct Provenance: Codable, Equatable, Sendable {
    /// The command line that wrote the file (`condenser distill --teacher …`).
    public var command: String
    /// The source checkpoint or recipe the model was made from.
    public var source: String
    /// Version of the tool that wrote the file.
    public var toolVersion: String
    /// When the file was written, ISO 8601 in UTC (`2025-01-31T12:00:00Z`).
    public var time: String
    /// How a recipe trained the model (nil for other files).
    public var training: TrainingRecord?
    /// The stages of the staged run that made the model, in order (nil for other files).
    public var stages: [StageRecord]?

    public init(command: String, source: String, toolVersion: String, time: String = Date().formatted(.iso8601),
                training: TrainingRecord? = nil, stages: [StageRecord]? = nil) {
        self.command = command
        self.source = source
        self.toolVersion = toolVersion
        self.time = time
        self.training = training
        self.stages = stages
    }

    enum CodingKeys: String, CodingKey {
        case command, source, time, training, stages
        case toolVersion = "tool_version"
    }
}
