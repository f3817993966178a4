import TestSupport

/// Runs the built `condenser` executable from the package root, as a user would.
@discardableResult
func condenser(_ arguments: String...) throws -> ChildProcess.Result {
    try condenser(arguments)
}

/// `condenser(_:)` with the arguments as an array.
@discardableResult
func condenser(_ arguments: [String]) throws -> ChildProcess.Result {
    try ChildProcess.run(PackagePaths.condenser.path, arguments)
}
