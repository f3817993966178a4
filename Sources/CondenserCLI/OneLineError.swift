import ArgumentParser

/// An error as the one line the user sees: control characters that a hostile file can put into a
/// quoted value (a newline in an attribute, say) are written as escapes, so the message stays one
/// line. Errors of the argument parser itself (usage, help, exit codes) pass through unchanged.
func oneLine(_ error: Error) -> Error {
    if error is ExitCode || error is CleanExit || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { return error }
    let text = "\(error)".unicodeScalars.map { scalar -> String in
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": " "
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: "\\u{\(String(scalar.value, radix: 16))}"
        default: String(scalar)
        }
    }.joined()
    return CommandError.oneLine(text)
}
