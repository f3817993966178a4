import TestSupport

/// Runs the built `condenser` executable from the package root, as a user would.
@discardableResult
func condenser(_ arguments: String...) throws -> ChildProcess.Result {
    try condenser(arguments)
}

/// `condenser(_:)` with the arguments as an array, in this environment changed by `environment` (nil removes a variable).
@discardableResult
func condenser(_ arguments: [String], environment: [String: String?] = [:]) throws -> ChildProcess.Result {
    try ChildProcess.run(PackagePaths.condenser.path, arguments, environment: environment)
}
