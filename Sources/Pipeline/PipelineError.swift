/// Why a recipe run could not start or go on; names the recipe key or file involved.
public struct PipelineError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
