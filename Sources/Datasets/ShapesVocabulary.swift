/// The words and answers of the `shapes` task. Token id = index in `words` (0 is padding);
/// label id = index in `answers`.
public enum ShapesVocabulary {
    public static let colors = ["red", "green", "blue", "yellow", "purple", "orange"]
    public static let shapes = ["circle", "square", "triangle", "diamond"]
    public static let pluralShapes = ["circles", "squares", "triangles", "diamonds"]
    public static let sizes = ["small", "large"]
    public static let relations = ["left", "right", "above", "below"]
    /// Largest number of objects in a scene, and so the largest count answer.
    public static let maximumObjects = 4

    public static let words: [String] = ["<pad>", "what", "color", "shape", "size", "is", "the", "object", "how", "many",
                                         "objects", "are", "there", "a", "an", "of", "?"]
        + colors + shapes + pluralShapes + sizes + relations

    public static let answers: [String] = colors + shapes + sizes + (0...maximumObjects).map(String.init) + ["yes", "no"]

    /// Token ids of a question's words, padded with 0 to `length`.
    static func encode(_ question: [String], length: Int) -> [Int32] {
        precondition(question.count <= length, "question '\(question.joined(separator: " "))' is longer than \(length) tokens")
        let ids = question.map { word in Int32(words.firstIndex(of: word)!) }
        return ids + [Int32](repeating: 0, count: length - ids.count)
    }

    /// Label id of an answer.
    static func label(_ answer: String) -> Int32 { Int32(answers.firstIndex(of: answer)!) }
}
