/// A failure the CLI reports as one line, naming the file or option it is about.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
